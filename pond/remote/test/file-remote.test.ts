import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsck } from '../../tlogfs/fsck.js';
import { maintain } from '../../tlogfs/maintain.js';
import {
  addRemote,
  getRemote,
  pullRemote,
  pushRemote,
  restoreReplica,
  verifyRemote,
} from '../index.js';
import { addDay, scratchDir, seriesPond, seriesRows, withPond } from './helpers.js';

/** Backups to a host folder: push, restore, incremental push, pull, verify. */
describe('file:// remotes', () => {
  let s: Awaited<ReturnType<typeof scratchDir>>;
  let source: string;
  let remoteDir: string;
  beforeAll(async () => {
    s = await scratchDir('pond-remote-file-');
    source = await seriesPond(s.dir, 'source', 12); // 14 transactions: a checkpoint at 10
    remoteDir = join(s.dir, 'backup');
    await addRemote(source, { name: 'usb', url: `file://${remoteDir}`, auto: false });
  });
  afterAll(async () => s.cleanup());

  it('pushes a pond, restores an equal replica, and pushes only what is new', async () => {
    const first = await withPond(source, async (pond) =>
      pushRemote(pond, await getRemote(source, 'usb')),
    );
    expect(first.outcome).toBe('pushed');
    expect(first.from).toBe(-1);
    expect(first.counts!.commits).toBe(first.to + 1);
    expect(first.counts!.checkpoints).toBe(1);
    expect(first.counts!.blobs).toBe(12);

    const replica = join(s.dir, 'replica');
    const restored = await restoreReplica({ url: `file://${remoteDir}` }, replica);
    const [srcCheck, srcRows, srcId] = await withPond(source, async (p) => [
      await fsck(p),
      await seriesRows(p),
      p.identity.id,
    ]);
    expect(restored.pondId).toBe(srcId);
    expect(restored.digest).toBe(srcCheck.digest);
    await withPond(replica, async (p) => {
      const check = await fsck(p);
      expect(check.problems).toEqual([]);
      expect(check.orphans).toEqual([]);
      expect(check.digest).toBe(srcCheck.digest);
      expect(await seriesRows(p)).toEqual(srcRows);
    });

    // One more commit: the next push sends its commit, its oplog file(s) and its one blob.
    const again = await withPond(source, async (pond) => {
      await addDay(pond, s.dir, 40);
      return pushRemote(pond, await getRemote(source, 'usb'));
    });
    expect(again.from).toBe(first.to);
    expect(again.to).toBe(first.to + 1);
    expect(again.counts).toMatchObject({ commits: 1, checkpoints: 0, blobs: 1 });
    expect(again.counts!.dataFiles).toBeGreaterThanOrEqual(1);
    expect(again.counts!.dataFiles).toBeLessThanOrEqual(2);

    // The replica pulls it.
    const pulled = await withPond(replica, async (p) =>
      pullRemote(p, await getRemote(replica, 'origin')),
    );
    expect(pulled).toMatchObject({ outcome: 'pulled', from: first.to, to: first.to + 1 });
    await withPond(replica, async (p) => {
      expect((await fsck(p)).digest).toBe(
        await withPond(source, async (q) => (await fsck(q)).digest),
      );
    });

    const up = await withPond(source, async (pond) =>
      pushRemote(pond, await getRemote(source, 'usb')),
    );
    expect(up.outcome).toBe('up to date');
  });

  it('finds a damaged blob with verify', async () => {
    const blobs = join(remoteDir, '_large_files');
    const victim = (await readdir(blobs)).find((n) => n.startsWith('sha256='))!;
    const bytes = await readFile(join(blobs, victim));
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    await writeFile(join(blobs, victim), bytes);
    const r = await withPond(source, async (pond) =>
      verifyRemote(pond, await getRemote(source, 'usb')),
    );
    expect(r.relation.kind).toBe('same');
    expect(r.damaged).toEqual([
      { key: `_large_files/${victim}`, problem: expect.stringMatching(/hashes to/) },
    ]);

    // A truncated newest log entry is damage (named), not another history.
    const log = join(remoteDir, '_delta_log');
    const newest = (await readdir(log))
      .filter((n) => n.endsWith('.json'))
      .sort()
      .pop()!;
    const text = await readFile(join(log, newest), 'utf8');
    await writeFile(join(log, newest), text.slice(0, text.length >> 1));
    const t = await withPond(source, async (pond) =>
      verifyRemote(pond, await getRemote(source, 'usb')),
    );
    expect(t.damaged.map((d) => d.key)).toContain(`_delta_log/${newest}`);
  });
});

describe('a pond whose old log entries were cleaned up', () => {
  it('pushes from its newest checkpoint, and the backup restores to an equal pond', async () => {
    const s = await scratchDir('pond-remote-cleaned-');
    try {
      const source = await seriesPond(s.dir, 'source', 12);
      // maintain checkpoints the newest version and removes every commit file below it.
      await withPond(source, (p) => maintain(p, { logRetentionMs: 0 }));
      await withPond(source, (p) => addDay(p, s.dir, 30));
      const remoteDir = join(s.dir, 'backup');
      await addRemote(source, { name: 'usb', url: `file://${remoteDir}`, auto: false });
      const pushed = await withPond(source, async (p) =>
        pushRemote(p, await getRemote(source, 'usb')),
      );
      expect(pushed.outcome).toBe('pushed');
      expect(pushed.counts!.checkpoints).toBe(1);
      // Left: the checkpointed version's own commit and the one after it; the older ones are gone.
      expect(pushed.counts!.commits).toBe(2);
      const restored = await restoreReplica({ url: `file://${remoteDir}` }, join(s.dir, 'replica'));
      const check = await withPond(source, (p) => fsck(p));
      expect(restored.digest).toBe(check.digest);
      expect(restored.version).toBe(check.version);
      await withPond(join(s.dir, 'replica'), async (p) => {
        expect(await seriesRows(p)).toEqual(await withPond(source, (q) => seriesRows(q)));
      });
    } finally {
      await s.cleanup();
    }
  });
});

describe('a push after one killed midway by a server that kept part of an object', () => {
  it('sends the copies of the wrong size again, in place, and the backup verifies', async () => {
    const s = await scratchDir('pond-remote-partial-');
    try {
      const source = await seriesPond(s.dir, 'source', 2);
      const remoteDir = join(s.dir, 'backup');
      await addRemote(source, { name: 'usb', url: `file://${remoteDir}`, auto: false });
      await withPond(source, async (pond) => pushRemote(pond, await getRemote(source, 'usb')));
      await withPond(source, async (pond) => addDay(pond, s.dir, 9));
      // What the next push sends (the new blob and oplog files), planted half-written.
      const data = join(source, 'data');
      const files = async (root: string): Promise<string[]> =>
        (await readdir(root, { recursive: true, withFileTypes: true }))
          .filter((e) => e.isFile() && !e.parentPath.includes('_delta_log'))
          .filter((e) => !e.parentPath.includes('_staging'))
          .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
      const there = new Set(await files(remoteDir));
      const fresh = (await files(data)).filter((f) => !there.has(f));
      expect(fresh.some((f) => f.startsWith('_large_files/sha256='))).toBe(true);
      expect(fresh.some((f) => f.endsWith('.parquet'))).toBe(true);
      for (const f of fresh) {
        const bytes = await readFile(join(data, f));
        await mkdir(join(remoteDir, f, '..'), { recursive: true });
        await writeFile(join(remoteDir, f), bytes.subarray(0, bytes.length >> 1));
      }

      const r = await withPond(source, async (pond) =>
        pushRemote(pond, await getRemote(source, 'usb')),
      );
      expect(r.outcome).toBe('pushed');
      expect(r.counts).toMatchObject({ commits: 1, blobs: 1 });
      for (const f of fresh)
        expect(await readFile(join(remoteDir, f))).toEqual(await readFile(join(data, f)));
      const v = await withPond(source, async (pond) =>
        verifyRemote(pond, await getRemote(source, 'usb')),
      );
      expect(v.relation.kind).toBe('same');
      expect(v.damaged).toEqual([]);
    } finally {
      await s.cleanup();
    }
  });
});
