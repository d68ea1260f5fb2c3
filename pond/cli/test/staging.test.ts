import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, POND_BIN, runPond, tempDir } from './run-pond.js';

const ROWS = 500_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

/** A CSV series big enough that converting it takes a while (about 19 MB). */
async function writeBigCsv(path: string): Promise<void> {
  const lines = ['timestamp,temperature,conductivity'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `${new Date(T0 + i * 60_000).toISOString()},${10 + (i % 100) / 10},${400 + (i % 50)}`,
    );
  await writeFile(path, lines.join('\n') + '\n');
}
/** sum(conductivity) of that CSV. */
const CONDUCTIVITY_SUM = Array.from({ length: ROWS }, (_, i) => 400 + (i % 50)).reduce(
  (a, b) => a + b,
  0,
);

/** Files a writer is still making: staged ones (or, in pond versions before staging, .tmp-*). */
async function tempFiles(pond: string): Promise<string[]> {
  const blobs = join(pond, 'data', '_large_files');
  const out = (await readdir(blobs).catch(() => [] as string[]))
    .filter((n) => n.startsWith('.tmp-'))
    .map((n) => join(blobs, n));
  for (const folder of await readdir(join(blobs, '_staging')).catch(() => [] as string[])) {
    const files = await readdir(join(blobs, '_staging', folder)).catch(() => [] as string[]);
    out.push(...files.map((n) => join(blobs, '_staging', folder, n)));
  }
  return out;
}

/** Every file (not folder) under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Starts `pond copy` of the big CSV and resolves once its conversion has a temp file. */
async function startCopy(
  pond: string,
  csv: string,
  dest: string,
): Promise<{
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; out: string }>;
}> {
  const child = spawn(
    process.execPath,
    [POND_BIN, '--pond', pond, 'copy', `host+csv+series://${csv}`, dest],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((r) =>
    child.on('close', (code, signal) => r({ code, signal, out })),
  );
  let exited = false;
  void done.then(() => (exited = true));
  while ((await tempFiles(pond)).length === 0) {
    if (exited) throw new Error(`copy ended before converting: ${(await done).out}`);
    await sleep(10);
  }
  return { child, done };
}

/**
 * The files of a writer that is still running are invisible to cleanup, and a writer leaves no
 * temp file behind however it ends: success, failure, Ctrl-C; kill -9 leaves a staging folder
 * that the next maintain removes.
 */
describe('staging: temp files of live writers', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let csv: string;
  beforeAll(async () => {
    t = await tempDir('pond-staging-');
    csv = join(t.dir, 'big.csv');
    await writeBigCsv(csv);
  });
  afterAll(async () => t.cleanup());

  it('a copy succeeds, every row there, while maintain runs in a loop beside it', async () => {
    const pond = join(t.dir, 'loop');
    const p = bound(pond);
    await p.ok('init', '--birthplace', 'loop');
    // maintain from a second process, over and over, each run's time span recorded.
    const runs: { start: number; end: number; code: number; out: string }[] = [];
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const start = Date.now();
        const r = await runPond(['--pond', pond, 'maintain']);
        runs.push({ start, end: Date.now(), code: r.code, out: r.stdout + r.stderr });
      }
    })();
    // Temp files seen while the copies convert, with when they were seen.
    const seen: { first: number; last: number }[] = [];
    for (const dest of ['/a.series', '/b.series']) {
      await sleep(300); // let a maintain get under way first
      const { done } = await startCopy(pond, csv, dest);
      const span = { first: Date.now(), last: Date.now() };
      let finished = false;
      void done.then(() => (finished = true));
      while (!finished) {
        if ((await tempFiles(pond)).length > 0) span.last = Date.now();
        await sleep(20);
      }
      seen.push(span);
      const r = await done;
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(new RegExp(`Copied ${dest} \\[series\\] \\(${ROWS} rows\\)`));
    }
    stop = true;
    await loop;
    for (const r of runs) expect(r.code, r.out).toBe(0);
    // Some maintain ran while a conversion's temp file existed.
    const overlapping = runs.filter((r) => seen.some((s) => r.start < s.last && r.end > s.first));
    console.log(`${runs.length} maintain runs, ${overlapping.length} during a conversion`);
    expect(overlapping.length).toBeGreaterThan(0);
    for (const dest of ['/a.series', '/b.series']) {
      const out = await p.ok(
        'cat',
        dest,
        '--format',
        'csv',
        '--sql',
        'SELECT count(*) AS n, sum(conductivity) AS s, min(timestamp) AS t0 FROM source',
      );
      expect(out.trim().split('\n')[1]).toBe(`${ROWS},${CONDUCTIVITY_SUM},2024-01-01T00:00:00Z`);
    }
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
    expect(await tempFiles(pond)).toEqual([]);
  });

  it('kill -9 during conversion leaves a staging folder: fsck reports it, maintain removes it', async () => {
    const pond = join(t.dir, 'killed');
    const p = bound(pond);
    await p.ok('init', '--birthplace', 'killed');
    const { child, done } = await startCopy(pond, csv, '/k.series');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const staged = await tempFiles(pond);
    expect(staged.length).toBeGreaterThan(0);
    const fsck = await p.run('fsck');
    expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
    expect(fsck.stdout).not.toMatch(/DAMAGE/);
    expect(fsck.stdout).toMatch(
      new RegExp(
        `leftover staging: .*/_staging/${child.pid}-[0-9a-f-]+@\\S+ \\(its writer \\(pid ${child.pid}\\) has ended\\)`,
      ),
    );
    expect(await p.ok('maintain')).toMatch(/1 staging folders/);
    expect(await tempFiles(pond)).toEqual([]);
    expect(await readdir(join(pond, 'data', '_large_files', '_staging'))).toEqual([]);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
    expect(await p.ok('list', '/')).toBe('');
  });

  it('Ctrl-C during conversion: the writer removes its own staging folder', async () => {
    const pond = join(t.dir, 'interrupted');
    const p = bound(pond);
    await p.ok('init', '--birthplace', 'interrupted');
    const { child, done } = await startCopy(pond, csv, '/i.series');
    child.kill('SIGINT');
    const r = await done;
    expect(r.signal, r.out).toBe('SIGINT');
    expect(await readdir(join(pond, 'data', '_large_files', '_staging'))).toEqual([]);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });

  it('a failed copy (a bad CSV) leaves no temp file', async () => {
    const pond = join(t.dir, 'failed');
    const p = bound(pond);
    await p.ok('init', '--birthplace', 'failed');
    const before = await filesUnder(pond);
    const bad = join(t.dir, 'bad.csv');
    const lines = ['timestamp,v'];
    for (let i = 0; i < 30_000; i++) lines.push(`${new Date(T0 + i * 1000).toISOString()},${i}`);
    lines.push(`${new Date(T0).toISOString()},not a number`);
    await writeFile(bad, lines.join('\n') + '\n');
    const r = await p.run('copy', `host+csv+series://${bad}`, '/bad.series');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 30002/);
    expect(await filesUnder(pond)).toEqual(before);
    expect(await tempFiles(pond)).toEqual([]);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
