import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsck } from '../../tlogfs/fsck.js';
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
  });
});
