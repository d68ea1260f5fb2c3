import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, POND_BIN, tempDir } from './run-pond.js';

function runLoop(
  pond: string,
  dir: string,
  tag: string,
  n: number,
): Promise<{ ok: number; failures: string[] }> {
  return new Promise((resolve) => {
    // One shell loop per writer, so two processes write into the pond at the same time.
    const script = Array.from(
      { length: n },
      (_, i) =>
        `node ${POND_BIN} --pond ${pond} copy host://${dir}/${tag}${i}.txt /w/ || echo "FAIL ${tag}${i}" 1>&2`,
    ).join('\n');
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', () =>
      resolve({
        ok: (out.match(/Transaction \d+/g) ?? []).length,
        failures: err.split('\n').filter((l) => l.trim() !== ''),
      }),
    );
  });
}

describe('concurrent writers', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-conc-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'concurrency');
    await p.ok('mkdir', '/w');
    for (const tag of ['x', 'y'])
      for (let i = 0; i < 15; i++) await writeFile(join(t.dir, `${tag}${i}.txt`), `${tag}${i}\n`);
  });
  afterAll(async () => t.cleanup());

  it('two processes copying at once lose nothing and double nothing', async () => {
    const [x, y] = await Promise.all([
      runLoop(t.pond, t.dir, 'x', 15),
      runLoop(t.pond, t.dir, 'y', 15),
    ]);
    // Every loser of a race waited for the lock or retried: nothing failed.
    expect(x.failures).toEqual([]);
    expect(y.failures).toEqual([]);
    expect(x.ok + y.ok).toBe(30);
    const listed = (await p.ok('list', '/w/')).trim().split('\n');
    expect(listed).toHaveLength(30);
    for (const l of listed) expect(l).toMatch(/ v1 /);
    const log = await p.ok('log', '--limit', '1000');
    const seqs = [...log.matchAll(/^Transaction (\d+)/gm)].map((m) => Number(m[1]));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! - i)); // contiguous
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
