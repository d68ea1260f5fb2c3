import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { DeltaTable, scanSql } from '../index.js';
import { listLog } from '../log-listing.js';
import { removeDir, tempDir } from './helpers.js';
import { lintTable } from './log-lint.js';

/** Several processes appending to one table at once, through put-if-absent commits. */

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'concurrent-appender.ts');

interface WorkerResult {
  worker: number;
  versions: number[];
  lostRaces: number;
}

function runWorker(root: string, worker: number, count: number, go: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, root, String(worker), String(count), go],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${worker} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as WorkerResult);
    });
  });
}

describe('concurrent writers', () => {
  let session: DuckSession;
  let tmp: string;
  beforeAll(async () => {
    session = await DuckSession.open({ threads: 2 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    session.close();
    await removeDir(tmp);
  });

  it('4 processes x 50 appends: contiguous versions, no row lost or doubled, losers retried', async () => {
    const workers = 4;
    const count = 50;
    const root = path.join(tmp, 'race');
    await DeltaTable.create(root, session, {
      schema: {
        type: 'struct',
        fields: [
          { name: 'part', type: 'string', nullable: false, metadata: {} },
          { name: 'worker', type: 'integer', nullable: false, metadata: {} },
          { name: 'seq', type: 'integer', nullable: false, metadata: {} },
        ],
      },
      partitionColumns: ['part'],
    });
    const go = path.join(tmp, 'go');
    const running = Array.from({ length: workers }, (_, w) => runWorker(root, w, count, go));
    // Every worker opens the table at version 0 and stages its first files; then all start together.
    const ready = async (): Promise<boolean> =>
      (await fs.readdir(tmp)).filter((f) => f.startsWith('go.ready-')).length === workers;
    const deadline = Date.now() + 60_000;
    while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await fs.writeFile(go, '');
    const results = await Promise.all(running);

    const all = results.flatMap((r) => r.versions).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: workers * count }, (_, i) => i + 1));
    const listing = await listLog(root);
    expect([...listing.commits.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: workers * count + 1 }, (_, i) => i),
    );
    // All first commits were based on version 0, so all but one lost at least one race.
    const lost = results.reduce((n, r) => n + r.lostRaces, 0);
    console.log(`concurrent appends: ${lost} commits retried after losing a race`);
    expect(lost).toBeGreaterThanOrEqual(workers - 1);

    const table = await DeltaTable.open(root, session);
    expect(table.snapshot.version).toBe(workers * count);
    const rows = await session.all<{
      worker: number;
      n: number;
      distinct_seq: number;
      lo: number;
      hi: number;
    }>(
      `SELECT worker, count(*)::INTEGER AS n, count(DISTINCT seq)::INTEGER AS distinct_seq, min(seq) AS lo, max(seq) AS hi
       FROM (${scanSql(table.snapshot)}) GROUP BY worker ORDER BY worker`,
    );
    expect(rows).toEqual(
      Array.from({ length: workers }, (_, w) => ({
        worker: w,
        n: count,
        distinct_seq: count,
        lo: 0,
        hi: count - 1,
      })),
    );
    // Each worker's commits are in the log under its name, in order.
    for (const r of results) expect(r.versions).toEqual([...r.versions].sort((a, b) => a - b));
    const tmpLeft = (await fs.readdir(path.join(root, '_delta_log'))).filter((f) =>
      f.endsWith('.tmp'),
    );
    expect(tmpLeft).toEqual([]);
    await lintTable(session, root);
  });
});
