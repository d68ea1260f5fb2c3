import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeText } from './fixtures.js';
import { bound, POND_BIN, tempDir } from './run-pond.js';

/**
 * kill -9 at random moments of `pond mv` with two sources: the pond always passes fsck, both
 * files are always together in one directory (never one moved and one not), and a move that
 * reported success is there.
 */
describe('crash safety of mv', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-edit-crash-');
    p = bound(t.pond);
    await writeText(join(t.dir, 'a.txt'), 'a\n');
    await writeText(join(t.dir, 'b.txt'), 'b\n'.repeat(40_000)); // a blob
    await p.ok('init', '--birthplace', 'edit-crash');
    await p.ok('mkdir', '/right');
    await p.ok(
      'copy',
      `host://${join(t.dir, 'a.txt')}`,
      `host://${join(t.dir, 'b.txt')}`,
      '/left/',
    );
  });
  afterAll(async () => t.cleanup());

  it('survives SIGKILLs during moves', async () => {
    const seed = Number(process.env['POND_CRASH_SEED'] ?? Date.now() % 100000);
    console.log(`mv crash test seed ${seed} (set POND_CRASH_SEED to repeat)`);
    let s = seed;
    const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    let at = 'left';
    let kills = 0;
    let acknowledged = 0;
    for (let i = 0; kills < 10 && i < 40; i++) {
      const to = at === 'left' ? 'right' : 'left';
      const child = spawn(
        process.execPath,
        [POND_BIN, '--pond', t.pond, 'mv', `/${at}/a.txt`, `/${at}/b.txt`, `/${to}`],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 100 + rand() * 3000);
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      clearTimeout(timer);
      if (code === null) kills++;
      else if (code !== 0 || !/Transaction \d+/.test(out))
        throw new Error(`mv ${i}: ${code} ${out}`);

      const f = await p.run('fsck');
      expect(f.code, `after mv ${i} (seed ${seed}): ${f.stdout}${f.stderr}`).toBe(0);
      const left = await p.ok('list', '/left/');
      const right = await p.ok('list', '/right/');
      const where = (name: string) =>
        [left.includes(`/left/${name}`), right.includes(`/right/${name}`)].join();
      expect(where('a.txt'), `seed ${seed}`).toBe(where('b.txt'));
      const now = left.includes('/left/a.txt') ? 'left' : 'right';
      expect(where('a.txt')).toBe(now === 'left' ? 'true,false' : 'false,true');
      if (code === 0) {
        acknowledged++;
        expect(now, `acknowledged move ${i}`).toBe(to);
      }
      at = now;
    }
    console.log(`${kills} kills, ${acknowledged} acknowledged moves`);
    expect(await p.ok('cat', `/${at}/a.txt`)).toBe('a\n');
    // Killed moves may leave orphan files (never damage); maintain removes them (oplog files
    // once they are older than the vacuum retention).
    await p.ok('maintain');
    const f = await p.ok('fsck');
    expect(f).not.toMatch(/DAMAGE|leftover (blob|temp-file|staging)/);
    await p.ok('maintain', '--vacuum-retention-hours', '0');
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  }, 600_000); // each round runs three processes, slow on a busy machine
});
