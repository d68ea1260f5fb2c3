import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { defaultRegistry } from '../../factories/index.js';
import type { Pond } from '../../tlogfs/pond.js';
import { placeNode } from '../mknod.js';
import { moveInPond } from '../move.js';
import { openPond } from '../open-pond.js';
import { readersOf } from '../readers.js';
import { removeFromPond } from '../remove.js';
import { restoreInPond } from '../restore.js';
import { revertInPond, revertPlan } from '../revert.js';
import { errorCode, parquet, pondWithSeries, scratch, service } from './fixtures.js';

/** The edit functions the app calls (through its write jobs), on a real pond and factories. */
describe('service: move, remove, restore, revert, derived readers', () => {
  const registry = defaultRegistry();
  let s: Awaited<ReturnType<typeof scratch>>;
  let path: string;
  let pond: Pond;
  const meta = (...command: string[]) => ({ command: ['app', ...command] });

  beforeAll(async () => {
    s = await scratch('pond-svc-edit-');
    path = join(s.dir, 'pond');
    const v1 = join(s.dir, 'v1.parquet');
    await parquet(
      v1,
      `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i::DOUBLE AS v FROM range(5) t(i)`,
    );
    await pondWithSeries(path, [v1]);
    pond = await openPond(path, { registry });
    await pond.write(meta('mknod'), (txn) =>
      placeNode(
        txn,
        registry,
        {
          factory: 'sql-derived-series',
          path: '/views',
          config: 'patterns: { source: "series:///data/*.series" }\n',
        },
        { overwrite: false, parents: false },
      ),
    );
  });
  afterAll(async () => {
    await pond.close();
    await s.cleanup();
  });

  it('names the factory nodes that read a path or anything under it', async () => {
    expect(await readersOf(pond, registry, { paths: ['/data'] })).toEqual({
      readers: [
        { path: '/views', factory: 'sql-derived-series', reads: ['/data/readings.series'] },
      ],
      unchecked: [],
    });
    expect(await readersOf(pond, registry, { paths: ['/data/notes.txt'] })).toEqual({
      readers: [],
      unchecked: [],
    });
  });

  it('a factory node whose inputs cannot be matched is reported, not skipped', async () => {
    process.env['POND_EDIT_TEST_DIR'] = 'data';
    await pond.write(meta('mknod'), (txn) =>
      placeNode(
        txn,
        registry,
        {
          factory: 'sql-derived-series',
          path: '/by-env',
          config: 'patterns: { source: "series:///${env:POND_EDIT_TEST_DIR}/*.series" }\n',
        },
        { overwrite: false, parents: false },
      ),
    );
    expect((await readersOf(pond, registry, { paths: ['/data'] })).readers).toHaveLength(2);
    delete process.env['POND_EDIT_TEST_DIR'];
    const r = await readersOf(pond, registry, { paths: ['/data'] });
    expect(r.readers.map((x) => x.path)).toEqual(['/views']);
    expect(r.unchecked).toEqual([
      {
        path: '/by-env',
        reason: expect.stringContaining('environment variable POND_EDIT_TEST_DIR is not set'),
      },
    ]);
    // A node whose config no longer reads can still be moved, removed and brought back.
    await moveInPond(pond, registry, { sources: ['/by-env'], dest: '/env-view' }, meta('mv'));
    const gone = await removeFromPond(pond, registry, { paths: ['/env-view'] }, meta('delete'));
    const back = await restoreInPond(
      pond,
      registry,
      { path: '/env-view', asOf: gone.txn! - 1 },
      meta('restore'),
    );
    expect(back.changes).toEqual([
      { path: '/env-view', action: 'restored', kind: 'series', asOf: gone.txn! - 1 },
    ]);
    await removeFromPond(pond, registry, { paths: ['/env-view'] }, meta('delete'));
  });

  it('a rename reports the readers that lost and gained a path; the revert plan moves it back', async () => {
    const r = await moveInPond(
      pond,
      registry,
      { sources: ['/data/readings.series'], dest: '/data/renamed.series' },
      meta('rename'),
    );
    expect(r).toEqual({
      txn: pond.lastSeq,
      changes: [
        {
          path: '/data/renamed.series',
          action: 'moved',
          kind: 'series',
          from: '/data/readings.series',
        },
      ],
      readers: [
        {
          path: '/views',
          factory: 'sql-derived-series',
          lost: ['/data/readings.series'],
          gained: ['/data/renamed.series'],
        },
      ],
      unchecked: [],
    });
    expect(await revertPlan(pond, r.txn!)).toEqual({
      txn: r.txn,
      steps: [
        {
          kind: 'move back',
          path: '/data/renamed.series',
          to: '/data/readings.series',
          entryKind: 'series',
        },
      ],
      conflicts: [],
    });
    const undo = await revertInPond(pond, registry, { txn: r.txn! }, meta('undo'));
    expect(undo.changes).toEqual([
      {
        path: '/data/readings.series',
        action: 'moved',
        kind: 'series',
        from: '/data/renamed.series',
      },
    ]);
  });

  it('delete and restore from history; the app history shows what each did', async () => {
    const removed = await removeFromPond(
      pond,
      registry,
      { paths: ['/data/notes.txt'] },
      meta('delete'),
    );
    expect(removed.changes).toEqual([{ path: '/data/notes.txt', action: 'removed', kind: 'data' }]);
    expect(
      await errorCode(removeFromPond(pond, registry, { paths: ['/data'] }, meta('delete'))),
    ).toBe(ErrorCode.InvalidArgument);
    const back = await restoreInPond(
      pond,
      registry,
      { path: '/data/notes.txt', asOf: removed.txn! - 1 },
      meta('restore'),
    );
    expect(back.changes).toEqual([
      { path: '/data/notes.txt', action: 'restored', kind: 'data', asOf: removed.txn! - 1 },
    ]);
    const undo = await revertInPond(pond, registry, { txn: back.txn! }, meta('undo'));

    const svc = service(s.appData);
    try {
      const { handle } = await svc.openPath(path);
      const h = await svc.history({ pond: handle, limit: 3 });
      expect(h.map((t) => [t.txn, t.command, t.reverts, t.changes])).toEqual([
        [
          undo.txn,
          ['app', 'undo'],
          back.txn,
          [{ path: '/data/notes.txt', action: 'removed', kind: 'data' }],
        ],
        [
          back.txn,
          ['app', 'restore'],
          undefined,
          [{ path: '/data/notes.txt', action: 'restored', kind: 'data', asOf: removed.txn! - 1 }],
        ],
        [
          removed.txn,
          ['app', 'delete'],
          undefined,
          [{ path: '/data/notes.txt', action: 'removed', kind: 'data' }],
        ],
      ]);
    } finally {
      await svc.close();
    }
  });
});
