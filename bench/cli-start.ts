/**
 * cli-start: how long the `pond` command takes as a whole process, as a user runs it
 * (`node bin/pond.js ...`), on the demo pond, against a bare `node -e 0` and against plain
 * DuckDB's own start (a Node process creating an instance and running `SELECT 1`) in the same
 * run (DESIGN §7 and issue 16: `--version` and `--help` <= 100 ms, `list /` of a small pond
 * <= 250 ms). `list` reads the pond's metadata in JS and never loads DuckDB; `describe` of a
 * series asks DuckDB for its schema, so it pays DuckDB's start. The runs of the commands
 * alternate; medians of RUNS.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoPond } from '../pond/service/demo-pond.js';
import { median, ms, ratio } from './measure.js';

const RUNS = Number(process.env['POND_BENCH_RUNS'] ?? 15);
const BIN = fileURLToPath(new URL('../../bin/pond.js', import.meta.url));
const DUCKDB = fileURLToPath(new URL('./duckdb-process.js', import.meta.url));
const DUCK_CASE = 'duckdb process (SELECT 1)';

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
    // The demo pond: two sites' series (two versions each), a README, a temporal-reduce node.
    const { path: pond } = await ensureDemoPond(join(dir, 'app-data'));

    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['pond --version', [BIN, '--version']],
      ['pond --help', [BIN, '--help']],
      ['pond list /', [BIN, '--pond', pond, 'list', '/']],
      ['pond list (every file)', [BIN, '--pond', pond, 'list']],
      ['pond describe /README.md', [BIN, '--pond', pond, 'describe', '/README.md']],
      ['pond describe a series', [BIN, '--pond', pond, 'describe', '/sites/north/water.series']],
      [DUCK_CASE, [DUCKDB, 'SELECT 1']],
    ];
    const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const [name, args] of cases) times.get(name)!.push(await timeProcess(args));
    }
    const node = median(times.get('node -e 0')!);
    const duck = median(times.get(DUCK_CASE)!);
    console.log(`${RUNS} runs of each on the demo pond, alternating; medians:`);
    const bars: Record<string, number> = {
      'pond --version': 100,
      'pond --help': 100,
      'pond list /': 250,
      'pond list (every file)': 250,
    };
    for (const [name] of cases) {
      const m = median(times.get(name)!);
      const bar = bars[name];
      console.log(
        `  ${name.padEnd(26)} ${ms(m).padStart(10)}  ${ratio(m, node)} node -e 0, ` +
          `${ratio(m, duck)} DuckDB's start` +
          (bar === undefined ? '' : `  (bar <= ${bar} ms: ${m <= bar ? 'met' : 'NOT met'})`),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
