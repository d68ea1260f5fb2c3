import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobInfo, WriteJobResult } from '../../../shared/api.js';
import { runPond } from '../../cli/test/run-pond.js';
import { createPond } from '../open-pond.js';
import { scratch, service } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;

beforeAll(async () => {
  s = await scratch('pond-write-jobs-');
  pondDir = join(s.dir, 'pond');
  const pond = await createPond(pondDir, 'writes', { command: ['test', 'init'] });
  await pond.close();
});
afterAll(async () => s.cleanup());

/** A service with the pond open, and its write jobs as the app starts them. */
async function open() {
  const svc = service(s.appData);
  const summary = await svc.openPath(pondDir);
  return { svc, summary, pond: svc.pond(summary.handle) };
}

describe('write jobs: the app’s writes, one transaction each, serialised per pond', () => {
  it('run in order, each as one transaction carrying the pond, and report their txn', async () => {
    const { svc, summary, pond } = await open();
    try {
      const order: string[] = [];
      const jobs = ['a', 'b', 'c'].map((name) =>
        svc.writeJobs.start(pond, 'mkdir', ['app', 'mkdir', `/${name}`], async (txn, job) => {
          order.push(`start ${name}`);
          job.progress({ done: 0, total: 1, message: `making /${name}` });
          await new Promise((r) => setTimeout(r, 30));
          await (await txn.wd()).mkdir(`/${name}`);
          order.push(`end ${name}`);
          return name;
        }),
      );
      expect(jobs.every((j) => j.pond === summary.handle)).toBe(true);
      const done = await Promise.all(jobs.map((j) => svc.jobRunner.wait(j.id)));
      expect(done.map((d) => d.state)).toEqual(['done', 'done', 'done']);
      // One at a time: each starts after the previous one ended.
      expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
      const txns = done.map((d) => (d.result as WriteJobResult<string>).txn!);
      expect(txns).toEqual([summary.lastTxn + 1, summary.lastTxn + 2, summary.lastTxn + 3]);
      expect((done[1]!.result as WriteJobResult<string>).value).toBe('b');
      const history = await svc.history({ pond: summary.handle, limit: 3 });
      expect(history.map((h) => h.command)).toEqual([
        ['app', 'mkdir', '/c'],
        ['app', 'mkdir', '/b'],
        ['app', 'mkdir', '/a'],
      ]);
      expect((await svc.openPonds())[0]!.lastTxn).toBe(txns[2]);
    } finally {
      await svc.close();
    }
  });

  it('a cancel before the commit leaves the pond as it was, and the queue goes on', async () => {
    const { svc, summary, pond } = await open();
    try {
      const before = (await svc.openPonds())[0]!.lastTxn;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = svc.writeJobs.start(pond, 'mkdir', ['app', 'mkdir', '/slow'], async (txn) => {
        await (await txn.wd()).mkdir('/slow');
        await gate;
      });
      const waiting = svc.writeJobs.start(
        pond,
        'mkdir',
        ['app', 'mkdir', '/waiting'],
        async (txn) => {
          await (await txn.wd()).mkdir('/waiting');
        },
      );
      const after = svc.writeJobs.start(pond, 'mkdir', ['app', 'mkdir', '/after'], async (txn) => {
        await (await txn.wd()).mkdir('/after');
      });
      await svc.cancelJob(waiting.id);
      await svc.cancelJob(slow.id);
      release();
      const [a, b, c] = await Promise.all(
        [slow, waiting, after].map((j) => svc.jobRunner.wait(j.id)),
      );
      expect([a!.state, b!.state, c!.state]).toEqual(['cancelled', 'cancelled', 'done']);
      expect(b!.error?.code).toBe('CANCELLED');
      const names = (
        await svc.list({ pond: summary.handle, path: '/', offset: 0, limit: 50 })
      ).entries.map((e) => e.name);
      expect(names).toContain('after');
      expect(names).not.toContain('slow');
      expect(names).not.toContain('waiting');
      expect((await svc.openPonds())[0]!.lastTxn).toBe(before + 1);
    } finally {
      await svc.close();
    }
  });

  it('a prepared write prepares beside the write before it, commits after it, and is released whatever happens', async () => {
    const { svc, summary, pond } = await open();
    try {
      const order: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const first = svc.writeJobs.start(pond, 'mkdir', ['app', 'mkdir', '/first'], async (txn) => {
        order.push('first writes');
        await gate;
        await (await txn.wd()).mkdir('/first');
      });
      const prepared = (name: string, fail?: 'prepare' | 'work') =>
        svc.writeJobs.startPrepared(pond, 'import', ['app', 'import', `/${name}`], {
          prepare: async (job) => {
            order.push(`${name} prepares`);
            job.progress({ done: 0, message: `converting ${name}` });
            if (fail === 'prepare') throw new Error(`${name} cannot be converted`);
            return name;
          },
          work: async (txn, _job, p) => {
            order.push(`${p} writes`);
            if (fail === 'work') throw new Error(`${p} cannot be placed`);
            await (await txn.wd()).mkdir(`/${p}`);
          },
          release: async (p, committed) => {
            order.push(`${p} released (${committed ? 'committed' : 'dropped'})`);
          },
        });
      const second = prepared('second');
      const broken = prepared('broken', 'work');
      const unconvertible = prepared('unconvertible', 'prepare');
      try {
        // Each prepared at once, beside the write that holds the pond.
        await vi.waitFor(() =>
          expect([...order].sort()).toEqual([
            'broken prepares',
            'first writes',
            'second prepares',
            'unconvertible prepares',
          ]),
        );
      } finally {
        release();
      }
      const done = await Promise.all(
        [first, second, broken, unconvertible].map((j) => svc.jobRunner.wait(j.id)),
      );
      expect(done.map((d) => d.state)).toEqual(['done', 'done', 'failed', 'failed']);
      expect(done[3]!.error?.message).toContain('unconvertible cannot be converted');
      expect(order.slice(4)).toEqual([
        'second writes',
        'second released (committed)',
        'broken writes',
        'broken released (dropped)',
      ]);
      expect((done[1]!.result as WriteJobResult<void>).txn).toBe(summary.lastTxn + 2);
      expect((await svc.openPonds())[0]!.lastTxn).toBe(summary.lastTxn + 2);
    } finally {
      await svc.close();
    }
  });

  it('a CLI process writing the same pond at the same time: every write of both lands', async () => {
    const { svc, summary, pond } = await open();
    try {
      const before = (await svc.openPonds())[0]!.lastTxn;
      const cli = (async () => {
        for (let i = 0; i < 5; i++) {
          const r = await runPond(['--pond', pondDir, 'mkdir', '-p', `/cli/d${i}`]);
          expect(r.code, r.stderr).toBe(0);
        }
      })();
      const app: JobInfo[] = [];
      for (let i = 0; i < 5; i++) {
        app.push(
          svc.writeJobs.start(pond, 'mkdir', ['app', 'mkdir', `/app${i}`], async (txn) => {
            await (await txn.wd()).mkdir(`/app${i}`);
          }),
        );
      }
      const done = await Promise.all(app.map((j) => svc.jobRunner.wait(j.id)));
      await cli;
      expect(done.map((d) => d.state)).toEqual(Array(5).fill('done'));
      const root = (
        await svc.list({ pond: summary.handle, path: '/', offset: 0, limit: 100 })
      ).entries.map((e) => e.name);
      for (let i = 0; i < 5; i++) expect(root).toContain(`app${i}`);
      const cliDirs = await svc.list({ pond: summary.handle, path: '/cli', offset: 0, limit: 100 });
      expect(cliDirs.entries.map((e) => e.name)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
      // Ten transactions (plus the automatic compactions the pond may have made).
      const history = await svc.history({ pond: summary.handle, limit: 100 });
      const made = history.filter((h) => h.txn > before && h.command[0] !== 'automatic compaction');
      expect(made).toHaveLength(10);
    } finally {
      await svc.close();
    }
  });
});
