import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { addRemote, getRemote, restoreReplica, verifyRemote } from '../../remote/index.js';
import { fsck } from '../../tlogfs/fsck.js';
import { openPond } from '../open-pond.js';
import type { PondRegistry } from '../pond-registry.js';
import { errorCode, parquet, pondWithSeries, scratch, service } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;

beforeAll(async () => {
  s = await scratch('pond-svc-backups-');
  pondDir = join(s.dir, 'pond');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(5) t(i)`,
  );
  await pondWithSeries(pondDir, [v1, v1]);
  await addRemote(pondDir, { name: 'usb', url: `file://${join(s.dir, 'usb')}`, auto: false });
  await addRemote(pondDir, {
    name: 'nightly',
    url: `file://${join(s.dir, 'nightly')}`,
    auto: true,
  });
});

afterAll(async () => s.cleanup());

async function settled(svc: ReturnType<typeof service>, job: JobInfo): Promise<JobInfo> {
  return svc.jobRunner.wait(job.id);
}

describe('backups in the app', () => {
  it('lists backups, pushes one as a job with progress, and pushes automatic ones after commits', async () => {
    const svc = service(s.appData);
    const events: JobInfo[] = [];
    svc.onJobEvent((j) => events.push(j));
    try {
      const pond = await svc.openPath(pondDir);
      const before = await svc.backups(pond.handle);
      expect(before.map((b) => [b.name, b.state, b.auto])).toEqual([
        ['nightly', 'never pushed', true],
        ['usb', 'never pushed', false],
      ]);

      const job = await svc.pushBackup({ pond: pond.handle, backup: 'usb' });
      expect(job.kind).toBe('push');
      const done = await settled(svc, job);
      expect(done.state).toBe('done');
      expect(done.result).toMatchObject({ backup: 'usb', outcome: 'pushed', from: -1, to: 4 });
      expect(events.some((e) => e.id === job.id && e.progress.total !== undefined)).toBe(true);
      const after = await svc.backups(pond.handle);
      expect(after.find((b) => b.name === 'usb')).toMatchObject({
        state: 'up to date',
        pushedTxn: 4,
        localTxn: 4,
      });

      // A commit through the app's pond pushes 'nightly' (automatic) in the background.
      const open = (svc as unknown as { ponds: PondRegistry }).ponds.get(pond.handle);
      const f = join(s.dir, 'note.txt');
      await writeFile(f, 'note\n');
      const w = await open.pond.write({ command: ['app', 'test'] }, async (txn) => {
        await (await txn.wd()).writeFile('/data/note.txt', 'data', { hostPath: f });
      });
      expect(w.seq).toBe(5);
      const auto = events.find((e) => e.kind === 'push' && e.id !== job.id)!;
      expect(auto).toBeDefined();
      expect((await svc.jobRunner.wait(auto.id)).result).toMatchObject({
        backup: 'nightly',
        to: 5,
      });
      const list = await svc.backups(pond.handle);
      expect(list.map((b) => [b.name, b.state])).toEqual([
        ['nightly', 'up to date'],
        ['usb', 'behind'],
      ]);
      // The automatic backup is a whole copy of the pond.
      const copy = await restoreReplica(
        { url: `file://${join(s.dir, 'nightly')}` },
        join(s.dir, 'replica'),
      );
      expect(copy.digest).toBe((await fsck(open.pond)).digest);

      expect(await errorCode(svc.pushBackup({ pond: pond.handle, backup: 'nope' }))).toBe(
        ErrorCode.NotFound,
      );
    } finally {
      await svc.close();
    }
  });

  it('reports a failing push with its cause', async () => {
    await writeFile(join(s.dir, 'not-a-folder'), 'x');
    await addRemote(pondDir, {
      name: 'broken',
      url: `file://${join(s.dir, 'not-a-folder', 'backup')}`,
      auto: false,
    });
    const svc = service(s.appData);
    try {
      const pond = await svc.openPath(pondDir);
      const done = await settled(
        svc,
        await svc.pushBackup({ pond: pond.handle, backup: 'broken' }),
      );
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe(ErrorCode.Remote);
      expect(done.error?.message).toContain('not-a-folder/backup');
      const b = (await svc.backups(pond.handle)).find((x) => x.name === 'broken')!;
      expect(b.state).toBe('failing');
      expect(b.lastError?.message).toContain('not-a-folder/backup');
    } finally {
      await svc.close();
    }
  });
});

describe('cancelling a push', () => {
  it('stops between objects and leaves the backup at a complete version; the next push completes it', async () => {
    const dir = join(s.dir, 'cancel');
    await mkdir(dir);
    const big = join(dir, 'pond');
    await pondWithSeries(big, []);
    const p = await openPond(big);
    for (let i = 0; i < 6; i++) {
      const f = join(dir, `f${i}.bin`);
      await writeFile(f, randomBytes(4_000_000));
      await p.write({ command: ['test', String(i)] }, async (txn) => {
        await (await txn.wd()).writeFile(`/data/f${i}.bin`, 'data', { hostPath: f });
      });
    }
    await p.close();
    await addRemote(big, { name: 'usb', url: `file://${join(dir, 'usb')}`, auto: false });
    const svc = service(s.appData);
    try {
      const pond = await svc.openPath(big);
      const pushing: { id?: string } = {};
      const stop = svc.onJobEvent((j) => {
        // Cancel once the first object is across.
        if (j.id === pushing.id && j.state === 'running' && j.progress.done > 0)
          void svc.cancelJob(j.id);
      });
      const job = await svc.pushBackup({ pond: pond.handle, backup: 'usb' });
      pushing.id = job.id;
      const done = await settled(svc, job);
      stop();
      expect(done.state).toBe('cancelled');
      expect(done.error?.code).toBe(ErrorCode.Cancelled);
      const open = (svc as unknown as { ponds: PondRegistry }).ponds.get(pond.handle);
      const v = await verifyRemote(open.pond, await getRemote(big, 'usb'));
      expect(['empty', 'behind']).toContain(v.relation.kind);
      expect(v.damaged).toEqual([]);

      const again = await settled(svc, await svc.pushBackup({ pond: pond.handle, backup: 'usb' }));
      expect(again.state).toBe('done');
      const after = await verifyRemote(open.pond, await getRemote(big, 'usb'));
      expect(after.relation.kind).toBe('same');
      expect(after.damaged).toEqual([]);
    } finally {
      await svc.close();
    }
  });
});
