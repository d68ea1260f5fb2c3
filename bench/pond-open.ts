/**
 * pond-open: opening a pond after 10,000 transactions vs after 10 (DESIGN §7: <= 2x). Opening
 * means what every command does first: load the snapshot, read the root directory, and reach
 * one file. Each transaction writes one small file into one of 20 directories, as a collector
 * run by cron would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckSession } from '../pond/duckdb/session.js';
import { createPond, openPond } from '../pond/service/open-pond.js';
import { median, ms, ratio, timed } from './measure.js';

const LONG = Number(process.env['POND_BENCH_TXNS'] ?? 10_000);
const RUNS = 15;

async function makePond(path: string, txns: number, session: DuckSession): Promise<number[]> {
  const pond = await createPond(path, 'bench', { command: ['bench'] }, { session });
  const times: number[] = [];
  await pond.write({ command: ['bench', 'dirs'] }, async (txn) => {
    const wd = await txn.wd();
    for (let d = 0; d < 20; d++) await wd.mkdir(`/site${d}`);
  });
  for (let i = 0; i < txns - 2; i++) {
    const [t] = await timed(() =>
      pond.write({ command: ['bench', 'write'] }, async (txn) => {
        await (
          await txn.wd()
        ).writeFile(`/site${i % 20}/reading-${i}.csv`, 'data', {
          bytes: Buffer.from(`${i},${Math.random()}\n`),
        });
      }),
    );
    times.push(t);
  }
  await pond.close();
  return times;
}

async function openAndRead(path: string, session: DuckSession): Promise<number> {
  const [t] = await timed(async () => {
    const pond = await openPond(path, { session });
    await pond.read(async (txn) => {
      const wd = await txn.wd();
      await (await txn.root()).entries();
      await (await wd.getFile('/site1/reading-1.csv')).read();
    });
    await pond.close();
  });
  return t;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-open-'));
  const session = await DuckSession.open();
  try {
    await makePond(join(dir, 'short'), 10, session);
    const [build, commits] = await timed(() => makePond(join(dir, 'long'), LONG, session));
    console.log(
      `made a pond of ${LONG} transactions in ${(build / 1000).toFixed(1)} s; median write transaction ${ms(median(commits))}`,
    );
    const short: number[] = [];
    const long: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      short.push(await openAndRead(join(dir, 'short'), session));
      long.push(await openAndRead(join(dir, 'long'), session));
    }
    console.log(
      `open + read: ${LONG} transactions ${ms(median(long))} vs 10 transactions ${ms(median(short))} = ${ratio(median(long), median(short))} (bar <= 2x)`,
    );
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
