import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, POND_BIN, runPond, tempDir } from '../../cli/test/run-pond.js';
import { createPond } from '../../service/open-pond.js';
import { startS3, type TestS3 } from './s3-server.js';

/** A seeded PRNG, so a failing run can be repeated (the seed is printed). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The newest transaction, as fsck reports it (automatic compactions add some). */
async function tip(p: ReturnType<typeof bound>): Promise<number> {
  return Number(/Checked transaction (\d+)/.exec(await p.ok('fsck'))![1]);
}

/** How many objects s3rver holds under a folder of its bucket (its files on disk). */
async function objectCount(dir: string): Promise<number> {
  const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('._S3rver_object')).length;
}

function digestOf(fsckOut: string): string {
  return /Digest ([0-9a-f]{64})/.exec(fsckOut)![1]!;
}

// Each step is a whole `pond` process: on a busy machine these take minutes, not seconds.
describe('pond backup, push, pull, verify (CLI)', { timeout: 300_000 }, () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let s3: TestS3;
  beforeAll(async () => {
    t = await tempDir('pond-cli-remote-');
    s3 = await startS3();
    p = bound(t.pond);
    // 24 transactions holding 1.5 MB blobs: a push takes long enough to be killed midway.
    const pond = await createPond(t.pond, 'station', { command: ['test', 'init'] });
    try {
      for (let i = 0; i < 24; i++) {
        const f = join(t.dir, `f${i}.bin`);
        await writeFile(f, randomBytes(1_500_000));
        await pond.write({ command: ['test', 'copy', String(i)] }, async (txn) => {
          const wd = await txn.wd();
          if (i === 0) await wd.mkdir('/files');
          await wd.writeFile(`/files/${i}.bin`, 'data', { hostPath: f });
        });
      }
    } finally {
      await pond.close();
    }
  });
  afterAll(async () => {
    await s3?.stop();
    await t?.cleanup();
  });

  it('kill -9 during pushes to S3 leaves the backup consistent; the next push completes it', async () => {
    const url = `s3://${s3.bucket}/kill`;
    await p.ok('backup', 'add', 'cloud', url, '--endpoint', s3.endpoint);
    const seed = Number(process.env['POND_CRASH_SEED'] ?? Date.now() % 100000);
    console.log(`push kill seed ${seed} (set POND_CRASH_SEED to repeat)`);
    const rand = prng(seed);
    const held = join(s3.dir, s3.bucket, 'kill');
    let kills = 0;
    for (let i = 0; i < 10 && kills < 4; i++) {
      const child = spawn(process.execPath, [POND_BIN, '--pond', t.pond, 'push', 'cloud'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let exited = false;
      const closed = new Promise<number | null>((r) =>
        child.on('close', (c) => {
          exited = true;
          r(c);
        }),
      );
      // Killed once k more objects have arrived (a random point of the transfer, whatever the
      // machine's speed): the first push sends about 70, so it is always killed midway.
      const before = await objectCount(held);
      const k = 1 + Math.floor(rand() * 40);
      while (!exited) {
        if ((await objectCount(held)) >= before + k) {
          child.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const code = await closed;
      if (code === null) kills++;
      // Whatever the moment, the backup is at a complete version: quick verify finds no damage
      // and the backup is behind or up to date, never diverged.
      const v = await p.run('verify', 'cloud', '--quick');
      expect(v.code, `after push ${i} (seed ${seed}): ${v.stdout}${v.stderr}`).toBe(0);
      expect(v.stdout).toMatch(/up to date|behind by|empty/);
      if (code === 0) break;
    }
    expect(kills).toBeGreaterThan(0);
    const done = await p.ok('push', 'cloud');
    expect(done).toMatch(/cloud: (pushed transactions|up to date)/);
    const v = await p.ok('verify', 'cloud');
    expect(v).toContain(`up to date at transaction ${await tip(p)}`);
    expect(v).toMatch(/\n  OK\n/);

    const replica = join(t.dir, 'replica-s3');
    const r = await runPond([
      'backup',
      'restore',
      url,
      '--pond',
      replica,
      '--endpoint',
      s3.endpoint,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const fsckSource = await p.ok('fsck');
    const fsckReplica = await bound(replica).ok('fsck');
    expect(digestOf(fsckReplica)).toBe(digestOf(fsckSource));
    expect(fsckReplica.trim().split('\n').pop()).toBe('OK');

    // One more transaction at the source, pushed; the replica pulls it.
    const r2 = bound(replica);
    expect(await r2.ok('pull')).toMatch(/Up to date with 'origin'/);
    const extra = join(t.dir, 'extra.txt');
    await writeFile(extra, 'extra\n');
    await p.ok('copy', `host://${extra}`, '/extra.txt');
    expect(await p.ok('push', 'cloud')).toMatch(/cloud: pushed transactions/);
    expect(await r2.ok('pull')).toMatch(/Pulled transactions \d+\.\.\d+ from 'origin'/);
    expect(await r2.ok('cat', '/extra.txt')).toBe('extra\n');
    expect(digestOf(await r2.ok('fsck'))).toBe(digestOf(await p.ok('fsck')));
  });

  it('an unreachable automatic backup never fails a commit; the next push catches up', async () => {
    const dir = join(t.dir, 'usb');
    await mkdir(dir);
    await p.ok('backup', 'add', 'usb', `file://${dir}`, '--auto');
    const note = async (name: string) => {
      const f = join(t.dir, name);
      await writeFile(f, `${name}\n`);
      return p.run('copy', `host://${f}`, '/notes/');
    };
    const first = await note('one.txt');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Pushed transaction ${await tip(p)} to 'usb'`);

    // The disk is gone: its folder is now a plain file.
    await rename(dir, `${dir}.away`);
    await writeFile(dir, 'not a folder');
    const second = await note('two.txt');
    expect(second.code).toBe(0);
    const committed = /Transaction (\d+)/.exec(second.stdout)![1];
    expect(second.stderr).toContain(
      `transaction ${committed} is committed, but the automatic push to 'usb' failed`,
    );
    expect(await p.ok('backup', 'list')).toMatch(/last push: FAILED/);

    // Back again: the next commit's push sends both.
    await rm(dir);
    await rename(`${dir}.away`, dir);
    const third = await note('three.txt');
    expect(third.code).toBe(0);
    const now = await tip(p);
    expect(third.stderr).toContain(`Pushed transaction ${now} to 'usb'`);
    expect(await p.ok('verify', 'usb')).toContain(`up to date at transaction ${now}`);

    // An empty folder where the backup was (an unmounted disk) is refused, not filled again.
    await rename(dir, `${dir}.away`);
    await mkdir(dir);
    const fourth = await p.run('push', 'usb');
    expect(fourth.code).toBe(1);
    expect(fourth.stderr).toContain(`is empty, but transaction ${now} was pushed there`);
    await rm(dir, { recursive: true });
    await rename(`${dir}.away`, dir);
  });

  it('refuses bad URLs, a folder that is not empty, and another pond’s backup', async () => {
    expect((await p.run('backup', 'add', 'x', 'http://example.com/b')).stderr).toMatch(
      /bad backup URL 'http:\/\/example.com\/b'/,
    );
    expect((await p.run('backup', 'add', 'x', 'file://relative/path')).code).toBe(1);
    expect((await p.run('backup', 'add', 'bad/name', `file://${t.dir}/x`)).stderr).toMatch(
      /bad remote name/,
    );
    // A folder inside the pond's own (it was accepted, and `data/x` filled the Delta table's
    // folder with foreign files), also through a symlink to the pond.
    await symlink(t.pond, join(t.dir, 'pond-link'));
    for (const inside of [
      join(t.pond, 'bk'),
      join(t.pond, 'data', 'x'),
      join(t.dir, 'pond-link', 'y'),
    ]) {
      const i = await p.run('backup', 'add', 'x', `file://${inside}`);
      expect(i.code, inside).toBe(1);
      expect(i.stderr).toMatch(
        /is inside the pond's folder .*: a backup there is lost with the pond/,
      );
      expect(existsSync(inside)).toBe(false);
    }
    const used = join(t.dir, 'used');
    await mkdir(used);
    await writeFile(join(used, 'photo.jpg'), 'x');
    const r = await p.run('backup', 'add', 'x', `file://${used}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not empty and holds no pond/);

    const other = join(t.dir, 'other');
    const q = bound(other);
    await q.ok('init', '--birthplace', 'elsewhere');
    await q.ok('backup', 'add', 'b', `file://${t.dir}/other-backup`);
    await q.ok('push', 'b');
    const o = await p.run('backup', 'add', 'x', `file://${t.dir}/other-backup`);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/holds a pond that is not this one/);
    expect((await p.run('push', 'nope')).stderr).toMatch(/this pond has no remote 'nope'/);

    const nonEmpty = await runPond([
      'backup',
      'restore',
      `file://${t.dir}/other-backup`,
      '--pond',
      used,
    ]);
    expect(nonEmpty.code).toBe(1);
    expect(nonEmpty.stderr).toMatch(/is not empty: restore into a new or empty folder/);
    // A replica inside the backup it is restored from (it was made there, among the backup's
    // files).
    const within = join(t.dir, 'other-backup', 'replica');
    const w = await runPond([
      'backup',
      'restore',
      `file://${t.dir}/other-backup`,
      '--pond',
      within,
    ]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(
      /is inside the backup file:\/\/.*other-backup: restore the replica into a folder outside it/,
    );
    const left = await readdir(join(t.dir, 'other-backup'));
    expect(left.filter((n) => n.includes('replica'))).toEqual([]);
  });
});
