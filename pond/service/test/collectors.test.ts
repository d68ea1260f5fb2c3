import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api.js';
import type { RunRecord } from '../../../shared/collectors.js';
import { HydroVuStandIn } from '../../../bench/hydrovu-stand-in.js';
import { defaultRegistry } from '../../factories/index.js';
import { runExecutable } from '../../factories/run-node.js';
import { placeNode } from '../mknod.js';
import { createPond } from '../open-pond.js';
import { errorCode, scratch, service } from './fixtures.js';

/**
 * The Collectors view's service: the executable nodes with their last runs (the app's and those
 * of `pond run` from another process), and Run now as a job with progress, log lines and cancel.
 */
let s: Awaited<ReturnType<typeof scratch>>;
let standIn: HydroVuStandIn;
let pondDir: string;
const T0 = Date.UTC(2024, 0, 1) / 1000;

beforeAll(async () => {
  s = await scratch('pond-svc-collectors-');
  standIn = await HydroVuStandIn.start({
    clientId: 'app-id',
    clientSecret: 'app-secret',
    pageTimes: 50,
    devices: [
      {
        id: 7,
        name: 'pier',
        start: T0,
        stepS: 60,
        count: 300,
        parameters: [{ parameterId: '1', unitId: '1' }],
      },
    ],
  });
  pondDir = join(s.dir, 'pond');
  const registry = defaultRegistry();
  const pond = await createPond(pondDir, 'test', { command: ['init'] }, { registry });
  await mkdir(join(s.dir, 'logs'));
  await writeFile(join(s.dir, 'logs', 'app.log'), 'one\ntwo\n');
  try {
    await pond.write({ command: ['setup'] }, async (txn) => {
      await placeNode(
        txn,
        registry,
        {
          factory: 'hydrovu',
          path: '/system/etc/20-hydrovu',
          config: `client_id: app-id\nclient_secret: app-secret\nmax_points_per_run: 1000\nhydrovu_path: /hydrovu\nbase_url: ${standIn.url}\nretry_delay: 10ms\ndevices: [{ name: pier, id: 7 }]\n`,
        },
        { overwrite: false, parents: true },
      );
      await placeNode(
        txn,
        registry,
        {
          factory: 'logfile-ingest',
          path: '/system/run/10-logs',
          config: `archived_pattern: ${s.dir}/logs/app.log.*\nactive_pattern: ${s.dir}/logs/app.log\npond_path: /logs\n`,
        },
        { overwrite: false, parents: true },
      );
      const wd = await txn.wd();
      await wd.writeFile('/notes.txt', 'data', { bytes: Buffer.from('not a collector') });
    });
  } finally {
    await pond.close();
  }
});
afterAll(async () => {
  await standIn.close();
  await s.cleanup();
});

describe('collectors in the app', () => {
  it('lists the executable nodes with their commands and redacted configs', async () => {
    const svc = service(s.appData);
    try {
      const pond = await svc.openPath(pondDir);
      const list = await svc.collectors(pond.handle);
      expect(list.map((c) => [c.path, c.factory, c.commands.map((x) => x.name)])).toEqual([
        ['/system/etc/20-hydrovu', 'hydrovu', ['collect', 'archive', 'locations']],
        ['/system/run/10-logs', 'logfile-ingest', ['ingest', 'sha256sum']],
      ]);
      expect(list[0]!.config).toContain('client_secret: "[REDACTED]"');
      expect(list[0]!.config).not.toContain('app-secret');
      expect(list.every((c) => c.lastRun === undefined)).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('Run now: a job with the log as progress, one transaction recorded as app run, the last run listed', async () => {
    const svc = service(s.appData);
    const events: JobInfo[] = [];
    svc.onJobEvent((j) => events.push(j));
    try {
      const pond = await svc.openPath(pondDir);
      const job = await svc.runCollector({ pond: pond.handle, path: '/system/etc/20-hydrovu' });
      expect(job).toMatchObject({ kind: 'run-collector', pond: pond.handle });
      const done = await svc.jobRunner.wait(job.id);
      expect(done.state).toBe('done');
      const record = done.result as RunRecord;
      expect(record).toMatchObject({ state: 'added', command: 'collect' });
      expect(record.added).toEqual([
        { path: '/hydrovu/devices/7/pier_active.series', rows: 300, version: 1 },
      ]);
      const messages = events.filter((e) => e.id === job.id).map((e) => e.progress.message);
      expect(messages).toContain('device pier: page 1: 50 readings');
      const [txn] = await svc.history({ pond: pond.handle, limit: 1 });
      expect(txn!.command).toEqual(['app', 'run', '/system/etc/20-hydrovu', 'collect']);
      const listed = (await svc.collectors(pond.handle))[0]!.lastRun!;
      expect(listed).toMatchObject({ state: 'added', txn: txn!.txn, pid: process.pid });
      expect(listed.log.some((l) => /device pier: 300 rows/.test(l))).toBe(true);
    } finally {
      await svc.close();
    }
  });

  it('a run by another writer (pond run from cron) shows as the last run', async () => {
    await writeFile(join(s.dir, 'logs', 'app.log'), 'one\ntwo\nthree\n');
    const registry = defaultRegistry();
    const { openPond } = await import('../open-pond.js');
    const cron = await openPond(pondDir, { registry });
    try {
      const job = {
        signal: new AbortController().signal,
        progress: () => undefined,
        onCancel: () => undefined,
        checkCancelled: () => undefined,
        log: () => undefined,
      };
      await runExecutable(cron, registry, { path: '/system/run/10-logs', args: [] }, job);
    } finally {
      await cron.close();
    }
    const svc = service(s.appData);
    try {
      const pond = await svc.openPath(pondDir);
      const logs = (await svc.collectors(pond.handle)).find((c) => c.factory === 'logfile-ingest')!;
      expect(logs.lastRun).toMatchObject({
        state: 'added',
        command: 'ingest',
        added: [{ path: '/logs/app.log', bytes: 14, version: 1 }],
      });
    } finally {
      await svc.close();
    }
  });

  it('Cancel stops a run midway: nothing is written and the last run says cancelled', async () => {
    const svc = service(s.appData);
    standIn.options.devices[0]!.count = 2000;
    standIn.pageDelayMs = 150;
    try {
      const pond = await svc.openPath(pondDir);
      const before = (await svc.history({ pond: pond.handle, limit: 1 }))[0]!.txn;
      const job = await svc.runCollector({ pond: pond.handle, path: '/system/etc/20-hydrovu' });
      await new Promise((r) => setTimeout(r, 400));
      await svc.cancelJob(job.id);
      const done = await svc.jobRunner.wait(job.id);
      expect(done.state).toBe('cancelled');
      expect((await svc.history({ pond: pond.handle, limit: 1 }))[0]!.txn).toBe(before);
      const last = (await svc.collectors(pond.handle))[0]!.lastRun!;
      expect(last.state).toBe('cancelled');
    } finally {
      standIn.pageDelayMs = 0;
      await svc.close();
    }
  });

  it('refuses a node that is not a collector, and a command it does not have', async () => {
    const svc = service(s.appData);
    try {
      const pond = await svc.openPath(pondDir);
      const notOne = await svc.runCollector({ pond: pond.handle, path: '/notes.txt' });
      expect((await svc.jobRunner.wait(notOne.id)).error?.code).toBe('WRONG_TYPE');
      const bad = await svc.runCollector({
        pond: pond.handle,
        path: '/system/etc/20-hydrovu',
        command: 'explode',
      });
      expect((await svc.jobRunner.wait(bad.id)).error?.message).toMatch(/has no command 'explode'/);
      expect(await errorCode(svc.collectors('no-such-pond'))).toBe('NOT_FOUND');
    } finally {
      await svc.close();
    }
  });
});

describe('collectors in the app, pressed hard', () => {
  /** Pier's readings in the pond: all, and distinct times (a duplicate makes them differ). */
  const stored = async () => {
    const { openPond } = await import('../open-pond.js');
    const pond = await openPond(pondDir, { registry: defaultRegistry() });
    try {
      return await pond.read(async (txn) => {
        const path = '/hydrovu/devices/7/pier_active.series';
        const { nodeRelation } = await import('../../query/node-relation.js');
        const found = await (await txn.wd()).lookup(path).catch(() => undefined);
        if (!found?.found) return { n: 0, d: 0 };
        const node = await (await txn.wd()).getFile(path);
        const relation = await nodeRelation(node, path, { txn, expanding: [] });
        const r = await txn.session.all(
          `SELECT count(*)::DOUBLE AS n, count(DISTINCT timestamp)::DOUBLE AS d FROM (${relation})`,
        );
        return r[0] as { n: number; d: number };
      });
    } finally {
      await pond.close();
    }
  };
  const staged = async () => {
    const { readdir } = await import('node:fs/promises');
    const { STAGING_DIR } = await import('../../tlogfs/staging.js');
    const root = join(pondDir, 'data', '_large_files', STAGING_DIR);
    // Files only, at any depth: the open service's DuckDB spill folder (duckdb-tmp, in its own
    // staging folder) is there while it runs, and holds a file only when a query spilled.
    return (await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []))
      .filter((e) => e.isFile())
      .map((e) => e.name);
  };

  it('Cancel at any point either writes nothing or lets the commit finish; nothing is left behind', async () => {
    const svc = service(s.appData);
    standIn.pageDelayMs = 20;
    try {
      const pond = await svc.openPath(pondDir);
      let count = (await stored()).n;
      const outcomes: string[] = [];
      for (const ms of [0, 5, 30, 80, 150, 170, 190, 210, 230, 250, 400]) {
        count += 200;
        standIn.options.devices[0]!.count = count;
        const before = (await svc.history({ pond: pond.handle, limit: 1 }))[0]!.txn;
        const job = await svc.runCollector({ pond: pond.handle, path: '/system/etc/20-hydrovu' });
        await new Promise((r) => setTimeout(r, ms));
        await svc.cancelJob(job.id).catch(() => undefined); // it may have ended already
        const done = await svc.jobRunner.wait(job.id);
        const after = (await svc.history({ pond: pond.handle, limit: 1 }))[0]!.txn;
        const last = (await svc.collectors(pond.handle))[0]!.lastRun!;
        outcomes.push(`${ms} ms: ${done.state}`);
        if (done.state === 'cancelled') {
          expect(after, `${ms} ms`).toBe(before);
          expect(last.state, `${ms} ms`).toBe('cancelled');
          // The next run collects what the cancelled one did not store.
          const again = await svc.runCollector({
            pond: pond.handle,
            path: '/system/etc/20-hydrovu',
          });
          expect((await svc.jobRunner.wait(again.id)).state).toBe('done');
        } else {
          expect(done.state, `${ms} ms`).toBe('done');
          expect(after, `${ms} ms`).toBe(before + 1);
        }
        expect(await stored(), `${ms} ms`).toEqual({ n: count, d: count });
        expect(await staged(), `${ms} ms`).toEqual([]);
      }
      expect(
        outcomes.filter((o) => o.endsWith('cancelled')).length,
        outcomes.join(', '),
      ).toBeGreaterThan(2);
    } finally {
      standIn.pageDelayMs = 0;
      await svc.close();
    }
  });

  it('Run now twice quickly: both runs end, every reading is stored once', async () => {
    const svc = service(s.appData);
    standIn.pageDelayMs = 10;
    try {
      const pond = await svc.openPath(pondDir);
      const count = (await stored()).n + 300;
      standIn.options.devices[0]!.count = count;
      const jobs = [
        await svc.runCollector({ pond: pond.handle, path: '/system/etc/20-hydrovu' }),
        await svc.runCollector({ pond: pond.handle, path: '/system/etc/20-hydrovu' }),
      ];
      const done = await Promise.all(jobs.map((j) => svc.jobRunner.wait(j.id)));
      expect(done.map((d) => d.state)).toEqual(['done', 'done']);
      expect(done.map((d) => (d.result as RunRecord).state).sort()).toEqual([
        'added',
        'nothing-new',
      ]);
      expect(await stored()).toEqual({ n: count, d: count });
      expect(await staged()).toEqual([]);
    } finally {
      standIn.pageDelayMs = 0;
      await svc.close();
    }
  });
});
