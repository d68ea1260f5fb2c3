/**
 * pond-list: `pond list /dir/` on a directory of 100,000 entries vs plain DuckDB reading the same
 * 100,000 names (with the same per-entry columns) from one Parquet file (DESIGN §7: <= 2x).
 * Both run in this process on one DuckDB session; the pond is opened afresh for every run, so
 * the time includes loading its snapshot and its directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckSession } from '../pond/duckdb/session.js';
import { literal } from '../pond/duckdb/sql.js';
import { listEntries } from '../pond/service/list.js';
import { createPond, openPond } from '../pond/service/open-pond.js';
import { median, ms, ratio, timed } from './measure.js';

const ENTRIES = 100_000;
const RUNS = 7;

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-list-'));
  const session = await DuckSession.open();
  try {
    const pondDir = join(dir, 'pond');
    const pond = await createPond(pondDir, 'bench', { command: ['bench'] }, { session });
    const [build] = await timed(() =>
      pond.write({ command: ['bench', 'fill'] }, async (txn) => {
        const wd = await txn.wd();
        const big = await wd.mkdir('/big');
        for (let i = 0; i < ENTRIES; i++)
          await big.create!(`reading-${String(i).padStart(6, '0')}.csv`, {
            kind: 'file',
            type: 'data',
            content: { bytes: Buffer.from(`${i}\n`) },
          });
      }),
    );
    await pond.close();
    console.log(`made a directory of ${ENTRIES} entries in one transaction: ${ms(build)}`);

    const names = join(dir, 'names.parquet');
    await session.run(
      `COPY (SELECT 'reading-' || lpad(i::VARCHAR, 6, '0') || '.csv' AS name, uuid()::VARCHAR AS id, 'data' AS type,
                    1 AS version, 2 AS size, now() AS modified FROM range(${ENTRIES}) t(i)) TO ${literal(names)} (FORMAT parquet)`,
    );

    const duck: number[] = [];
    const ours: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const [d, rows] = await timed(() =>
        session.all(`SELECT * FROM read_parquet(${literal(names)})`),
      );
      duck.push(d);
      const [o, listed] = await timed(async () => {
        const p = await openPond(pondDir, { session });
        try {
          return await p.read((txn) => listEntries(txn, '/big/'));
        } finally {
          await p.close();
        }
      });
      ours.push(o);
      if (rows.length !== ENTRIES || listed.length !== ENTRIES)
        throw new Error('wrong entry count');
    }
    console.log(
      `list ${ENTRIES} entries: pond ${ms(median(ours))} vs duckdb ${ms(median(duck))} = ${ratio(median(ours), median(duck))} (bar <= 2x)`,
    );
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
