/**
 * cli-start: how long the `pond` command takes as a whole process, as a user runs it
 * (`node bin/pond.js ...`), against a bare `node -e 0` in the same run (DESIGN §7 and issue 16:
 * `--version` and `--help` <= 100 ms, `list /` of a small pond <= 250 ms). Also a whole process
 * of plain DuckDB running `SELECT 1`, the floor of any command that reads the pond's oplog
 * (its Parquet files are read with DuckDB). The runs of the commands alternate; medians of RUNS.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, ratio } from './measure.js';

const RUNS = Number(process.env['POND_BENCH_RUNS'] ?? 15);
const BIN = fileURLToPath(new URL('../../bin/pond.js', import.meta.url));
const DUCKDB = fileURLToPath(new URL('./duckdb-process.js', import.meta.url));

/** Wall time of a process from spawn to exit; fails on a non-zero exit. */
function timeProcess(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const t = performance.now() - started;
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err}`));
      else resolve(t);
    });
  });
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-start-'));
  try {
    // A small pond: a directory, a series, a data file (as `pond` makes them).
    const pond = join(dir, 'pond');
    const csv = join(dir, 'r.csv');
    await writeFile(csv, 'timestamp,x\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n');
    for (const args of [
      ['init', '--birthplace', 'bench'],
      ['mkdir', '/sensors'],
      ['copy', `host+csv+series://${csv}`, '/sensors/r.series'],
      ['copy', `host://${csv}`, '/notes.csv'],
    ])
      await timeProcess([BIN, '--pond', pond, ...args]);

    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['pond --version', [BIN, '--version']],
      ['pond --help', [BIN, '--help']],
      ['pond list /', [BIN, '--pond', pond, 'list', '/']],
      ['duckdb process (SELECT 1)', [DUCKDB, 'SELECT 1']],
    ];
    const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const [name, args] of cases) times.get(name)!.push(await timeProcess(args));
    }
    const node = median(times.get('node -e 0')!);
    console.log(`${RUNS} runs of each, alternating; medians:`);
    const bars: Record<string, number> = {
      'pond --version': 100,
      'pond --help': 100,
      'pond list /': 250,
    };
    for (const [name] of cases) {
      const m = median(times.get(name)!);
      const bar = bars[name];
      console.log(
        `  ${name.padEnd(26)} ${ms(m).padStart(10)}  ${ratio(m, node)} node -e 0, +${ms(m - node)}` +
          (bar === undefined ? '' : `  (bar <= ${bar} ms)`),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
