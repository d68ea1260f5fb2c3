/**
 * delta-open: opening a Delta table after 10 commits vs after 10,000 commits (DESIGN §7: <= 2x),
 * and the time of one append commit.
 *
 * The 10,000-commit tables are written through DeltaTable.commit (so with a checkpoint every 10
 * commits and `_last_checkpoint`, exactly as the pond writes them). Their data files are hard links
 * of one small Parquet file under unique names: opening never reads data files, and building
 * 10,000 distinct files would only make the benchmark slow.
 *
 * Two long histories are measured:
 * - "10,000 appends": every commit adds a file, so the table has 10,000 live files and its
 *   checkpoint 10,000 rows. Opening it costs more because the *state* is bigger, not the history.
 * - "10,000 replacements": every commit replaces the previous file (tombstones expire at once), so
 *   the state stays one file: this isolates the cost of history, which the bar is about.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckSession } from '../pond/duckdb/session.js';
import { type AddFile, DeltaTable, type StructType } from '../pond/delta/index.js';
import { median, ms, timed } from './measure.js';

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'part_id', type: 'string', nullable: false, metadata: {} },
    { name: 'seq', type: 'long', nullable: false, metadata: {} },
    { name: 'payload', type: 'string', nullable: true, metadata: {} },
  ],
};
const LONG_HISTORY = 10_000;
const RUNS = 15;

/** Appends through the full path: DuckDB writes the file, then the commit is published. */
async function appendCommits(
  table: DeltaTable,
  count: number,
): Promise<{ write: number[]; commit: number[] }> {
  const write: number[] = [];
  const commit: number[] = [];
  for (let i = 0; i < count; i++) {
    const [w, adds] = await timed(() =>
      table.writeFiles(
        `SELECT 'p' || (${i} % 3) AS part_id, range AS seq, 'row ' || range AS payload FROM range(${i * 10}, ${i * 10 + 10})`,
      ),
    );
    const [c] = await timed(() =>
      table.commit({
        actions: adds.map((add) => ({ add })),
        readVersion: table.snapshot.version,
        blindAppend: true,
      }),
    );
    write.push(w);
    commit.push(c);
  }
  return { write, commit };
}

/** 10,000 commits whose adds are hard links of one real data file. */
async function longHistory(table: DeltaTable, replace: boolean): Promise<void> {
  const [template] = await table.writeFiles(`SELECT 'p0' AS part_id, 1 AS seq, 'x' AS payload`);
  const templatePath = table.snapshot.filePath(template!);
  let previous: AddFile | undefined;
  for (let i = 0; i < LONG_HISTORY; i++) {
    const name = `part_id=p0/part-${String(i).padStart(6, '0')}-bench.parquet`;
    await fs.link(templatePath, path.join(table.root, name));
    const add: AddFile = { ...template!, path: name, modificationTime: Date.now() };
    const actions = [{ add }];
    if (replace && previous) {
      const remove = {
        path: previous.path,
        deletionTimestamp: Date.now(),
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: previous.partitionValues,
        size: previous.size,
      };
      actions.push({ remove } as never);
    }
    await table.commit({
      actions,
      readVersion: table.snapshot.version,
      blindAppend: !(replace && previous),
    });
    previous = add;
    if ((i + 1) % 2000 === 0) process.stdout.write(`  ${table.root}: ${i + 1} commits\n`);
  }
}

export async function run(): Promise<void> {
  const session = await DuckSession.open();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pond-bench-delta-'));
  try {
    const create = (
      name: string,
      configuration: Record<string, string> = {},
    ): Promise<DeltaTable> =>
      DeltaTable.create(path.join(dir, name), session, {
        schema: SCHEMA,
        partitionColumns: ['part_id'],
        configuration,
      });

    const ten = await create('ten-commits');
    const small = await appendCommits(ten, 10);
    const timing = await create('append-timing');
    const many = await appendCommits(timing, 50);

    console.log(`building two tables of ${LONG_HISTORY} commits (checkpoint every 10)...`);
    const [buildAppends] = await timed(async () => longHistory(await create('appends'), false));
    const [buildReplacements] = await timed(async () =>
      longHistory(
        await create('replacements', {
          'delta.deletedFileRetentionDuration': 'interval 0 seconds',
        }),
        true,
      ),
    );

    const tables = ['ten-commits', 'appends', 'replacements'].map((n) => path.join(dir, n));
    const times = new Map<string, number[]>(tables.map((t) => [t, []]));
    for (const t of tables) for (let i = 0; i < 2; i++) await DeltaTable.open(t, session); // warm up
    for (let r = 0; r < RUNS; r++) {
      // Interleaved, so drift on a noisy machine hits all three alike.
      for (const t of tables) {
        const [elapsed, table] = await timed(() => DeltaTable.open(t, session));
        times.get(t)!.push(elapsed);
        if (r === 0) {
          const s = table.snapshot;
          console.log(
            `  ${path.basename(t)}: version ${s.version}, ${s.files.length} live files, checkpoint ${s.state.checkpointVersion}`,
          );
        }
      }
    }
    const [tenMs, appendsMs, replacementsMs] = tables.map((t) => median(times.get(t)!)) as [
      number,
      number,
      number,
    ];
    console.log(
      `open after 10 commits                          median ${ms(tenMs)} (${RUNS} runs)`,
    );
    console.log(
      `open after ${LONG_HISTORY} replacements (1 live file)   median ${ms(replacementsMs)}  ratio ${(replacementsMs / tenMs).toFixed(2)}x  (bar <= 2x)`,
    );
    console.log(
      `open after ${LONG_HISTORY} appends (${LONG_HISTORY} live files)  median ${ms(appendsMs)}  ratio ${(appendsMs / tenMs).toFixed(2)}x  (state, not history: one checkpoint row per live file)`,
    );
    const log = path.join(dir, 'appends', '_delta_log');
    const newest = (await fs.readdir(log))
      .filter((f) => f.endsWith('.checkpoint.parquet'))
      .sort()
      .at(-1)!;
    console.log(
      `  (newest checkpoint of the appends table: ${((await fs.stat(path.join(log, newest))).size / 1024).toFixed(0)} KiB)`,
    );
    const all = [...small.write, ...many.write].map(
      (w, i) => w + [...small.commit, ...many.commit][i]!,
    );
    console.log(
      `append commit (writeFiles + commit, 10 rows)   median ${ms(median(all))}  (writeFiles ${ms(median([...small.write, ...many.write]))}, commit ${ms(median([...small.commit, ...many.commit]))}; 60 appends, checkpoints included)`,
    );
    console.log(
      `building ${LONG_HISTORY} commits: appends ${(buildAppends / 1000).toFixed(1)} s (${ms(buildAppends / LONG_HISTORY)} per commit), replacements ${(buildReplacements / 1000).toFixed(1)} s`,
    );
  } finally {
    session.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
