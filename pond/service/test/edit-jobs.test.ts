import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  EditResult,
  JobInfo,
  PondSummary,
  TreeEntry,
  WriteJobResult,
} from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { runPond } from '../../cli/test/run-pond.js';
import { dispatch } from '../dispatch.js';
import type { LocalPondService } from '../pond-service.js';
import { errorCode, parquet, pondWithSeries, scratch, service } from './fixtures.js';

/**
 * The app's edits through the service, as the UI calls them: each a write job (one transaction,
 * recorded as the CLI command it is), refused with the path named, and a cancelled one leaves
 * the pond as it was. Real ponds in temp folders, real factories.
 */
let s: Awaited<ReturnType<typeof scratch>>;
let v1: string;
let n = 0;
let pondDir: string;
let svc: LocalPondService;
let pond: PondSummary;

beforeAll(async () => {
  s = await scratch('pond-edit-jobs-');
  v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i::DOUBLE AS v FROM range(5) t(i)`,
  );
});
afterAll(async () => s.cleanup());

// A fresh pond for every test: /data/readings.series, /data/notes.txt, /data/link.
beforeEach(async () => {
  pondDir = join(s.dir, `pond-${++n}`);
  await pondWithSeries(pondDir, [v1]);
  svc = service(s.appData);
  pond = await svc.openPath(pondDir);
});
afterEach(async () => svc.close());

async function done(started: JobInfo | Promise<JobInfo>): Promise<JobInfo> {
  return svc.jobRunner.wait((await started).id);
}

async function edit(started: Promise<JobInfo>): Promise<WriteJobResult<EditResult>> {
  const end = await done(started);
  expect(end.state, JSON.stringify(end.error)).toBe('done');
  expect(end.pond).toBe(pond.handle);
  return end.result as WriteJobResult<EditResult>;
}

async function names(path: string): Promise<string[]> {
  const page = await svc.list({ pond: pond.handle, path, offset: 0, limit: 100 });
  return page.entries.map((e: TreeEntry) => e.name);
}

async function lastTxn(): Promise<number> {
  return (await svc.openPonds()).find((p) => p.handle === pond.handle)!.lastTxn;
}

/** Every file of the pond's folder (nothing may appear when nothing is committed). */
async function pondFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(pondDir, join(d, e.name)));
    }
  };
  await walk(pondDir);
  return out.filter((f) => f !== 'pond.lock').sort();
}

describe('the app’s edits as write jobs', () => {
  it('new folder, rename, move, delete, restore and revert: one transaction each, as CLI commands', async () => {
    const base = await lastTxn();
    const made = await edit(svc.makeFolder({ pond: pond.handle, path: '/archive' }));
    expect(made.txn).toBe(base + 1);
    expect(made.value.changes).toEqual([
      { path: '/archive', action: 'created', kind: 'directory' },
    ]);

    const renamed = await edit(
      svc.renamePath({ pond: pond.handle, path: '/archive', name: 'old' }),
    );
    expect(renamed.value.changes).toEqual([
      { path: '/old', action: 'moved', kind: 'directory', from: '/archive' },
    ]);
    const moved = await edit(
      svc.movePaths({ pond: pond.handle, sources: ['/data/notes.txt'], dest: '/old' }),
    );
    expect(moved.value.changes).toEqual([
      { path: '/old/notes.txt', action: 'moved', kind: 'data', from: '/data/notes.txt' },
    ]);
    const removed = await edit(
      svc.removePaths({ pond: pond.handle, paths: ['/old'], recursive: true }),
    );
    expect(await names('/')).toEqual(['data']);
    const restored = await edit(
      svc.restorePath({ pond: pond.handle, path: '/old', asOf: removed.txn! - 1 }),
    );
    expect(await names('/old')).toEqual(['notes.txt']);
    const reverted = await edit(svc.revertTxn({ pond: pond.handle, txn: restored.txn! }));
    expect(await names('/')).toEqual(['data']);
    expect(reverted.txn).toBe(base + 6);

    const h = await svc.history({ pond: pond.handle, limit: 6 });
    expect(h.map((t) => [t.txn, t.command.join(' '), t.reverts])).toEqual([
      [base + 6, `app revert ${restored.txn}`, restored.txn],
      [base + 5, `app restore /old --as-of ${removed.txn! - 1}`, undefined],
      [base + 4, 'app rm -r /old', undefined],
      [base + 3, 'app mv /data/notes.txt /old', undefined],
      [base + 2, 'app mv /archive /old', undefined],
      [base + 1, 'app mkdir /archive', undefined],
    ]);
  });

  it('a rename never moves into a directory of that name, and a bad name fails the call', async () => {
    await edit(svc.makeFolder({ pond: pond.handle, path: '/old' }));
    const before = await lastTxn();
    const taken = await done(svc.renamePath({ pond: pond.handle, path: '/data', name: 'old' }));
    expect(taken.state).toBe('failed');
    expect(taken.error).toMatchObject({
      code: ErrorCode.AlreadyExists,
      message: "'/old' already exists: choose another name",
    });
    expect(await errorCode(svc.renamePath({ pond: pond.handle, path: '/data', name: 'a/b' }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.makeFolder({ pond: pond.handle, path: '/x/nul.txt' }))).toBe(
      ErrorCode.InvalidArgument,
    );
    const missing = await done(svc.makeFolder({ pond: pond.handle, path: '/no/such' }));
    expect(missing.error?.code).toBe(ErrorCode.NotFound);
    expect(await lastTxn()).toBe(before);
    expect(await names('/')).toEqual(['data', 'old']);
  });

  it('a cancelled edit leaves the pond as it was, files included, and the queue goes on', async () => {
    const before = await lastTxn();
    const files = await pondFiles();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // An earlier write of the app holds the pond's queue.
    const slow = svc.writeJobs.start(svc.pond(pond.handle), 'slow', ['app', 'slow'], async () => {
      await gate;
    });
    const queued = await svc.removePaths({
      pond: pond.handle,
      paths: ['/data'],
      recursive: true,
    });
    const after = await svc.makeFolder({ pond: pond.handle, path: '/after' });
    await svc.cancelJob(queued.id);
    release();
    const [a, b, c] = await Promise.all([done(slow), done(queued), done(after)]);
    expect([a.state, b.state, c.state]).toEqual(['done', 'cancelled', 'done']);
    expect(await names('/')).toEqual(['after', 'data']);
    expect(await lastTxn()).toBe(before + 1);
    // The only new files are the one commit's.
    const added = (await pondFiles()).filter((f) => !files.includes(f));
    expect(
      added.filter((f) => !f.startsWith('data/_delta_log/') && !f.includes('part_id=')),
    ).toEqual([]);
  });

  it('revert plan: what it would do, and what a later change by another process blocks', async () => {
    const moved = await edit(
      svc.movePaths({ pond: pond.handle, sources: ['/data/notes.txt'], dest: '/notes.txt' }),
    );
    expect(await svc.revertPlan({ pond: pond.handle, txn: moved.txn! })).toEqual({
      txn: moved.txn,
      steps: [{ kind: 'move back', path: '/notes.txt', to: '/data/notes.txt', entryKind: 'data' }],
      conflicts: [],
    });
    // The CLI moves it again: reverting the app's move is refused, naming that transaction.
    const r = await runPond(['--pond', pondDir, 'mv', '/notes.txt', '/n.txt']);
    expect(r.code, r.stderr).toBe(0);
    const plan = await svc.revertPlan({ pond: pond.handle, txn: moved.txn! });
    expect(plan.conflicts).toEqual([
      { path: '/notes.txt', txn: moved.txn! + 1, reason: 'moved later to /n.txt', forceable: true },
    ]);
    const refused = await done(svc.revertTxn({ pond: pond.handle, txn: moved.txn! }));
    expect(refused.state).toBe('failed');
    expect(refused.error?.message).toContain('/n.txt');
    expect(await names('/')).toEqual(['data', 'n.txt']);
  });

  it('readers of a path, and the warning of a move that takes their input away', async () => {
    const saved = await done(
      svc.saveNode({
        pond: pond.handle,
        draft: {
          factory: 'sql-derived-series',
          path: '/view.series',
          config: 'patterns: { source: "series:///data/*.series" }\n',
          overwrite: false,
        },
      }),
    );
    expect(saved.state).toBe('done');
    expect(await svc.readersOf({ pond: pond.handle, paths: ['/data'] })).toEqual({
      readers: [
        { path: '/view.series', factory: 'sql-derived-series', reads: ['/data/readings.series'] },
      ],
      unchecked: [],
    });
    const moved = await edit(
      svc.movePaths({ pond: pond.handle, sources: ['/data/readings.series'], dest: '/r.series' }),
    );
    expect(moved.value.readers).toEqual([
      {
        path: '/view.series',
        factory: 'sql-derived-series',
        lost: ['/data/readings.series'],
        gained: [],
      },
    ]);
  });

  it('messages are checked against their schemas before anything runs', async () => {
    const bad = await dispatch(svc, 'movePaths', {
      pond: pond.handle,
      sources: ['data'],
      dest: '/x',
    });
    expect(bad.kind).toBe('bad-argument');
    const extra = await dispatch(svc, 'revertTxn', { pond: pond.handle, txn: 0 });
    expect(extra.kind).toBe('bad-argument');
    const unknown = await dispatch(svc, 'saveNode', {
      pond: pond.handle,
      draft: { factory: 'x', path: '/x', config: '', overwrite: false, extra: 1 },
    });
    expect(unknown.kind).toBe('bad-argument');
  });
});
