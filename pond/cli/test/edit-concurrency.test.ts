import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorCsv, writeText } from './fixtures.js';
import { bound, POND_BIN, tempDir } from './run-pond.js';

/** Runs a bash script; resolves with its stdout and stderr when it ends. */
function bash(script: string): Promise<{ out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', () => resolve({ out, err }));
  });
}

describe('mv while another process appends to the file', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  const appends = 8;
  const hours = 24;
  beforeAll(async () => {
    t = await tempDir('pond-edit-conc-');
    p = bound(t.pond);
    for (let i = 0; i <= appends; i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString();
      await writeText(join(t.dir, `c${i}.csv`), sensorCsv(day, hours, i));
    }
    await p.ok('init', '--birthplace', 'edit-concurrency');
    await p.ok('mkdir', '/conc');
    await p.ok('mkdir', '/moved');
    await p.ok('copy', `host+csv+series://${join(t.dir, 'c0.csv')}`, '/conc/x.series');
  });
  afterAll(async () => t.cleanup());

  it('loses no version and doubles none: each append lands before the move, after it, or is refused', async () => {
    const pond = `node ${POND_BIN} --pond ${t.pond}`;
    const loop = bash(
      Array.from(
        { length: appends },
        (_, i) =>
          `${pond} copy host+csv+series://${join(t.dir, `c${i + 1}.csv`)} /conc/x.series || echo "FAIL c${i + 1}" 1>&2`,
      ).join('\n'),
    );
    // Start the move once the appender is under way.
    for (;;) {
      const log = await p.ok('log', '--limit', '1');
      if (Number(/^Transaction (\d+)/.exec(log)![1]) >= 6) break;
    }
    const mv = await p.run('mv', '/conc/x.series', '/moved/x.series');
    const { err } = await loop;
    expect(mv.code, mv.stderr).toBe(0);
    // An append planned before the move and placed after it finds its file gone: it is refused
    // with a clear message and writes nothing (the plan said "a new version of /conc/x.series").
    const refused = err.split('\n').filter((l) => l.startsWith('FAIL ')).length;
    for (const line of err.split('\n').filter((l) => l !== '' && !l.startsWith('FAIL ')))
      expect(line).toMatch(
        /'\/conc\/x\.series' is gone since the import was planned; plan it again/,
      );
    expect(refused).toBeLessThanOrEqual(1);
    // (maintain runs after the appender, not beside it: today a maintain beside a copy deletes
    // the copy's temp file, which the storage work fixes.)
    await p.ok('maintain');

    // Appends after the move made a new file at the old path (as copy to a new path does).
    const count = async (path: string) => {
      const r = await p.run(
        'cat',
        path,
        '--format',
        'csv',
        '--sql',
        'SELECT count(*)::INTEGER AS n, count(DISTINCT timestamp)::INTEGER AS d FROM source',
      );
      if (r.code !== 0) return { n: 0, d: 0 };
      const [n, d] = r.stdout.trim().split('\n')[1]!.split(',').map(Number);
      return { n: n!, d: d! };
    };
    const moved = await count('/moved/x.series');
    const after = await count('/conc/x.series');
    expect(moved.n).toBeGreaterThanOrEqual(hours);
    expect(moved.n + after.n).toBe((appends + 1 - refused) * hours);
    expect(moved.d + after.d).toBe((appends + 1 - refused) * hours);
    const versions = (await p.ok('describe', '/moved/x.series')).match(/^ {4}v\d+ /gm) ?? [];
    expect(versions.length * hours).toBe(moved.n);
    expect(await p.ok('fsck')).toMatch(/^OK$/m);
  });
});
