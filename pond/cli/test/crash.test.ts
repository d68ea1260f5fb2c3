import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, POND_BIN, tempDir } from './run-pond.js';

/** A seeded PRNG, so a failing run can be repeated (the seed is printed). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * kill -9 at random moments of write transactions: the pond always opens, fsck finds no damage,
 * every copy that reported success is there, and no transaction is half visible (each copy
 * writes two files; both or neither are present).
 */
describe('crash safety', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-crash-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'crash');
    await p.ok('mkdir', '/c');
  });
  afterAll(async () => t.cleanup());

  it('survives 60 SIGKILLs during copies', async () => {
    const seed = Number(process.env['POND_CRASH_SEED'] ?? Date.now() % 100000);
    console.log(`crash test seed ${seed} (set POND_CRASH_SEED to repeat)`);
    const rand = prng(seed);
    const acknowledged: number[] = [];
    let kills = 0;
    for (let i = 0; kills < 60; i++) {
      const a = join(t.dir, `a${i}.txt`);
      const b = join(t.dir, `b${i}.txt`);
      await writeFile(a, `a ${i}\n`.repeat(1 + (i % 5) * 4000)); // some inline, some blobs
      await writeFile(b, `b ${i}\n`);
      const child = spawn(
        process.execPath,
        [POND_BIN, '--pond', t.pond, 'copy', `host://${a}`, `host://${b}`, `/c/${i}/`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const delay = 50 + rand() * 600;
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      clearTimeout(timer);
      if (code === null) kills++;
      else if (code === 0 && /Transaction \d+/.test(out)) acknowledged.push(i);
      else throw new Error(`copy ${i} failed with ${code}: ${out}`);

      const f = await p.run('fsck');
      expect(f.code, `after copy ${i} (seed ${seed}): ${f.stdout}${f.stderr}`).toBe(0);
      expect(f.stdout).not.toMatch(/DAMAGE/);
    }
    // When every copy was killed before it committed, the pattern matches nothing (an error).
    const l = await p.run('list', '/c/**');
    if (l.code !== 0) expect(l.stderr).toMatch(/nothing matches '\/c\/\*\*'/);
    const listed = l.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ').pop()!);
    const present = new Set(listed);
    for (const i of acknowledged) {
      expect(present.has(`/c/${i}/a${i}.txt`), `acknowledged copy ${i}`).toBe(true);
      expect(await p.ok('cat', `/c/${i}/b${i}.txt`)).toBe(`b ${i}\n`);
    }
    // Atomicity: a copy's two files are both there or both absent.
    for (let i = 0; i < 200; i++) {
      expect(present.has(`/c/${i}/a${i}.txt`)).toBe(present.has(`/c/${i}/b${i}.txt`));
    }
    console.log(`${kills} kills, ${acknowledged.length} acknowledged copies`);
    const m = await p.ok('maintain');
    expect(m).toMatch(/Checkpoint/);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
