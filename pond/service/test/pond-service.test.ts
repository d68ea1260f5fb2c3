import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api.js';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { demoPondPath } from '../demo-pond.js';
import type { HostDialogs } from '../pond-service.js';
import { pondWithSeries, parquet, scratch, service } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isPondError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

/** Native dialogs as the desktop app provides them: the answers are queued by the test. */
class QueuedDialogs implements HostDialogs {
  readonly open: (string | undefined)[] = [];
  readonly create: (string | undefined)[] = [];
  async chooseExistingPond() {
    return this.open.shift();
  }
  async chooseNewPondFolder() {
    return this.create.shift();
  }
}

beforeAll(async () => {
  s = await scratch();
  pondDir = join(s.dir, 'pond');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(5) t(i)`,
  );
  await pondWithSeries(pondDir, [v1, v1, v1]);
});

afterAll(async () => {
  await s.cleanup();
});

describe('ponds, handles and the recent list', () => {
  it('opens a pond by host path once, names it by handle, and remembers it', async () => {
    const svc = service(s.appData);
    try {
      expect(await svc.appInfo()).toMatchObject({ mode: 'browser', dialogs: false });
      expect((await svc.appInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
      const a = await svc.openPath(pondDir);
      const b = await svc.openPath(pondDir + '/');
      expect(b.handle).toBe(a.handle);
      expect(a).toMatchObject({ path: pondDir, name: 'pond', birthplace: 'test', lastTxn: 5 });
      expect(await svc.openPonds()).toEqual([a]);
      expect((await svc.recentPonds())[0]).toMatchObject({ path: pondDir, name: 'pond' });
      await svc.closePond(a.handle);
      expect(await svc.openPonds()).toEqual([]);
      expect((await failure(svc.closePond(a.handle))).code).toBe(ErrorCode.NotFound);
      expect(
        (await failure(svc.list({ pond: a.handle, path: '/', offset: 0, limit: 1 }))).code,
      ).toBe(ErrorCode.NotFound);
    } finally {
      await svc.close();
    }
  });

  it('answers the first screen in one call: the app, the open ponds and the first root page', async () => {
    const svc = service(s.appData);
    try {
      expect(await svc.firstScreen({ rootLimit: 500 })).toEqual({
        app: await svc.appInfo(),
        open: [],
      });
      const a = await svc.openPath(pondDir);
      const first = await svc.firstScreen({ rootLimit: 1 });
      const page = await svc.list({ pond: a.handle, path: '/', offset: 0, limit: 1 });
      expect(page.entries).toHaveLength(1);
      expect(first).toEqual({ app: await svc.appInfo(), open: [a], root: { page } });
      // Another tab sees the pond the host opened (pond serve --pond), as openPonds says.
      expect(await svc.firstScreen({ rootLimit: 1 }, { client: 'other-tab' })).toEqual(first);
    } finally {
      await svc.close();
    }
  });

  it('reopens only ponds on the recent list', async () => {
    const svc = service(s.appData);
    try {
      await svc.openPath(pondDir);
      const again = await svc.openRecent(pondDir);
      expect(again.path).toBe(pondDir);
      const refused = await failure(svc.openRecent('/etc'));
      expect(refused.code).toBe(ErrorCode.InvalidArgument);
      expect(refused.message).toContain('not on the recent ponds list');
    } finally {
      await svc.close();
    }
  });

  it('has no dialogs under pond serve', async () => {
    const svc = service(s.appData);
    try {
      expect((await failure(svc.openPondDialog())).code).toBe(ErrorCode.Unsupported);
      expect((await failure(svc.createPondDialog('field'))).code).toBe(ErrorCode.Unsupported);
    } finally {
      await svc.close();
    }
  });

  it('opens and creates ponds through native dialogs, and nothing when cancelled', async () => {
    const dialogs = new QueuedDialogs();
    const svc = service(s.appData, dialogs);
    try {
      expect((await svc.appInfo()).dialogs).toBe(true);
      dialogs.open.push(undefined);
      expect(await svc.openPondDialog()).toBeUndefined();
      dialogs.open.push(pondDir);
      expect((await svc.openPondDialog())!.path).toBe(pondDir);

      const fresh = join(s.dir, 'made-by-dialog');
      dialogs.create.push(fresh);
      const made = await svc.createPondDialog('river station');
      expect(made).toMatchObject({ path: fresh, birthplace: 'river station', lastTxn: 1 });
      expect((await svc.recentPonds())[0]!.path).toBe(fresh);
      const history = await svc.history({ pond: made!.handle, limit: 5 });
      expect(history.map((h) => h.command)).toEqual([['app', 'create', 'river station']]);

      const busy = join(s.dir, 'busy');
      await mkdir(busy);
      await writeFile(join(busy, 'thesis.docx'), 'x');
      dialogs.create.push(busy);
      expect((await failure(svc.createPondDialog('x'))).code).toBe(ErrorCode.AlreadyExists);
      expect(await readdir(busy)).toEqual(['thesis.docx']);

      dialogs.open.push(join(s.dir, 'busy'));
      expect((await failure(svc.openPondDialog())).code).toBe(ErrorCode.NotAPond);
    } finally {
      await svc.close();
    }
  });
});

describe('history', () => {
  it('lists transactions newest first and pages back with before', async () => {
    const svc = service(s.appData);
    try {
      const p = await svc.openPath(pondDir);
      const newest = await svc.history({ pond: p.handle, limit: 2 });
      expect(newest.map((h) => h.txn)).toEqual([5, 4]);
      expect(newest[0]).toMatchObject({
        operation: 'WRITE',
        command: ['test', 'import', '3'],
        changes: [{ path: '/data/readings.series', action: 'new version', kind: 'series' }],
        changesTotal: 1,
      });
      expect(newest[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
      const older = await svc.history({ pond: p.handle, limit: 10, before: 4 });
      expect(older.map((h) => h.txn)).toEqual([3, 2, 1]);
      expect(older[2]!.command).toEqual(['test', 'init']);
    } finally {
      await svc.close();
    }
  });
});

describe('the demo pond', () => {
  it('is made once, as a job with progress, and opened', async () => {
    const appData = join(s.dir, 'demo-app');
    const svc = service(appData);
    const events: JobInfo[] = [];
    svc.onJobEvent((j) => events.push(j));
    try {
      const [a, b] = await Promise.all([svc.openDemoPond(), svc.openDemoPond()]);
      expect(b.handle).toBe(a.handle);
      expect(a.path).toBe(demoPondPath(appData));
      expect(new Set(events.map((e) => e.id)).size).toBe(1);
      expect(events.at(-1)).toMatchObject({ kind: 'demo-pond', state: 'done' });
      expect(events.some((e) => e.state === 'running' && e.progress.total !== undefined)).toBe(
        true,
      );
      const jobs = await svc.jobs();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.state).toBe('done');
      const sites = await svc.list({ pond: a.handle, path: '/sites', offset: 0, limit: 10 });
      expect(sites.entries.map((e) => e.name)).toEqual(['north', 'south']);
      // A second start reuses the pond: no new job, no new transactions.
      const again = service(appData);
      try {
        expect((await again.openDemoPond()).lastTxn).toBe(a.lastTxn);
      } finally {
        await again.close();
      }
    } finally {
      await svc.close();
    }
  });

  it('leaves nothing behind when its job is cancelled', async () => {
    const appData = join(s.dir, 'cancelled-app');
    const svc = service(appData);
    const states: string[] = [];
    svc.onJobEvent((j) => {
      states.push(j.state);
      if (j.state === 'running') void svc.cancelJob(j.id);
    });
    try {
      const f = await failure(svc.openDemoPond());
      expect(f.code).toBe(ErrorCode.Cancelled);
      expect(states.at(-1)).toBe('cancelled');
      expect(existsSync(demoPondPath(appData))).toBe(false);
      expect(
        (await readdir(appData).catch(() => [])).filter((n) => n.includes('building')),
      ).toEqual([]);
      expect((await failure(svc.cancelJob('no-such-job'))).code).toBe(ErrorCode.NotFound);
    } finally {
      await svc.close();
    }
  });

  it('removes the half-built demos of processes that are gone, never one that still runs', async () => {
    const appData = join(s.dir, 'abandoned-app');
    // A process that has ended: its pid runs no more.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const abandoned = `${demoPondPath(appData)}.building-${gone}-0badf00d`;
    const running = `${demoPondPath(appData)}.building-${process.pid}-5ca1ab1e`;
    const unnamed = `${demoPondPath(appData)}.building-1a2b3c4d`;
    for (const d of [abandoned, running, unnamed]) {
      await mkdir(join(d, 'data'), { recursive: true });
      await writeFile(join(d, 'data', 'part.parquet'), 'half');
    }
    const svc = service(appData);
    try {
      await svc.openDemoPond();
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(running)).toBe(true);
      expect(existsSync(unnamed)).toBe(true);
      expect(existsSync(demoPondPath(appData))).toBe(true);
    } finally {
      await svc.close();
    }
  });
});
