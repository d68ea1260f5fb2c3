import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { movePaths } from '../../tinyfs/move.js';
import { isFile } from '../../tinyfs/node.js';
import { removePaths } from '../../tinyfs/remove.js';
import { maintain } from '../maintain.js';
import { Pond } from '../pond.js';
import { restorePath } from '../restore.js';
import { planRevert, revertTxn } from '../revert.js';
import type { PondTxn } from '../transaction.js';

const text = (s: string) => ({ bytes: Buffer.from(s) });

describe('tlogfs: move, remove, restore, revert', () => {
  let dir: string;
  let pond: Pond;
  const write = async (fn: (txn: PondTxn) => Promise<unknown>, ...command: string[]) =>
    (await pond.write({ command }, fn)).seq;
  const put = (path: string, s: string) =>
    write(async (t) => (await t.wd()).writeFile(path, 'data', text(s)), 'put', path);
  const mkdir = (path: string) =>
    write(async (t) => (await t.wd()).mkdir(path, { parents: true }), 'mkdir', path);
  const mv = (sources: string[], dest: string) =>
    write(async (t) => movePaths(await t.wd(), sources, dest), 'mv');
  const rmPath = (path: string, recursive = false) =>
    write(async (t) => removePaths(await t.wd(), [path], { recursive }), 'rm');
  const restore = (path: string, asOf: number) =>
    write((t) => restorePath(t, path, asOf), 'restore');
  const revert = (seq: number, force = false) =>
    pond.write({ command: ['revert'], reverts: seq }, (t) => revertTxn(t, seq, { force }));
  const cat = (path: string, asOf?: number) =>
    pond.read(async (t) => {
      const f = await (await t.wd()).getFile(path);
      return Buffer.from(await f.read()).toString();
    }, asOf);
  const ls = (path: string, asOf?: number) =>
    pond.read(
      async (t) => (await (await (await t.wd()).getDirectory(path)).entries()).map((e) => e.name),
      asOf,
    );
  const idOf = (path: string, asOf?: number) =>
    pond.read(async (t) => (await (await t.wd()).get(path, { follow: false })).node.id, asOf);
  const versions = (path: string) =>
    pond.read(async (t) => {
      const f = await (await t.wd()).getFile(path);
      return Promise.all(
        (await f.versions()).map(async (v) => Buffer.from(await f.read(v.version)).toString()),
      );
    });
  const exists = (path: string, asOf?: number) =>
    pond.read(async (t) => (await (await t.wd()).lookup(path)).found, asOf);
  async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    if (!isPondError(e)) throw new Error(`expected a PondError, got ${String(e)}`);
    return { code: e.code, message: e.message };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlogfs-edit-'));
    pond = await Pond.create(join(dir, 'pond'), 'unit', { command: ['init'] });
  });
  afterEach(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a moved file keeps its id and versions; its rows stay in their home partition', async () => {
    await mkdir('/a');
    await put('/a/f', 'one'); // 3
    await put('/a/f', 'two'); // 4
    await mkdir('/b');
    const id = await idOf('/a/f');
    const aId = await idOf('/a');
    const moved = await mv(['/a/f'], '/b/g'); // 6
    expect(moved).toBe(6);
    await put('/b/g', 'three'); // 7
    expect(await idOf('/b/g')).toBe(id);
    expect(await versions('/b/g')).toEqual(['one', 'two', 'three']);
    expect(await cat('/b/g')).toBe('three');
    // Older transactions read the older layout.
    expect(await cat('/a/f', 4)).toBe('two');
    expect(await exists('/b/g', 5)).toBe(false);
    expect(await cat('/b/g', 6)).toBe('two');
    expect(await exists('/a/f', 6)).toBe(false);
    // Every row of the node, the one written after the move too, is in /a's partition.
    const rows = (await pond.allRows()).filter((r) => r.node_id === id);
    expect(rows.map((r) => r.part_id)).toEqual([aId, aId, aId]);

    // Compaction, a checkpoint and a reopen change none of it.
    await maintain(pond);
    await pond.close();
    pond = await Pond.open(join(dir, 'pond'));
    expect(await versions('/b/g')).toEqual(['one', 'two', 'three']);
    expect(await cat('/a/f', 4)).toBe('two');
    expect(await cat('/b/g', 6)).toBe('two');

    // Moved on again, and back home: still the same rows.
    await mkdir('/c');
    await mv(['/b/g'], '/c/h');
    await put('/c/h', 'four');
    await mv(['/c/h'], '/a/f');
    await put('/a/f', 'five');
    expect(await versions('/a/f')).toEqual(['one', 'two', 'three', 'four', 'five']);
    const all = (await pond.allRows()).filter((r) => r.node_id === id);
    expect(new Set(all.map((r) => r.part_id))).toEqual(new Set([aId]));
  });

  it('a directory moves with everything in it, and can be renamed', async () => {
    await mkdir('/s/north');
    await put('/s/north/t', 'T');
    await mkdir('/archive');
    const seq = await mv(['/s/north'], '/archive');
    expect(await cat('/archive/north/t')).toBe('T');
    expect(await ls('/s')).toEqual([]);
    await mv(['/archive/north'], '/archive/site-1');
    expect(await ls('/archive')).toEqual(['site-1']);
    expect(await cat('/s/north/t', seq! - 1)).toBe('T');
    expect(await cat('/archive/north/t', seq)).toBe('T');
  });

  it('a refusal in the middle of a multi-step move leaves the pond unchanged', async () => {
    await mkdir('/a');
    await put('/a/x', 'x');
    await put('/a/y', 'y');
    await mkdir('/d');
    await put('/d/y', 'taken');
    const before = pond.lastSeq;
    const e = await failure(mv(['/a/x', '/a/y'], '/d'));
    expect(e).toMatchObject({ code: ErrorCode.AlreadyExists });
    expect(e.message).toMatch(/'\/d\/y' already exists/);
    expect(pond.lastSeq).toBe(before);
    expect(await ls('/a')).toEqual(['x', 'y']);
    expect(await ls('/d')).toEqual(['y']);
  });

  it('rm: the entry leaves, its versions stay readable, restore brings the same node back', async () => {
    await mkdir('/docs');
    await put('/docs/n', 'v1');
    const s2 = await put('/docs/n', 'v2');
    const id = await idOf('/docs/n');
    const removed = await rmPath('/docs/n');
    expect(await exists('/docs/n')).toBe(false);
    expect(await cat('/docs/n', s2)).toBe('v2');
    const r = await pond.write({ command: ['restore'] }, (t) => restorePath(t, '/docs/n', s2!));
    expect(r.changes).toEqual([{ path: '/docs/n', action: 'restored', type: 'data', asOf: s2 }]);
    expect(await idOf('/docs/n')).toBe(id);
    expect(await cat('/docs/n')).toBe('v2');
    await put('/docs/n', 'v3');
    expect(await versions('/docs/n')).toEqual(['v1', 'v2', 'v3']);
    expect(await exists('/docs/n', removed)).toBe(false);
  });

  it('restore gives a file the content it had then, as a new version; nothing when it already has', async () => {
    const s1 = await put('/f', 'first');
    await put('/f', 'second');
    const seq = await restore('/f', s1!);
    expect(await cat('/f')).toBe('first');
    expect(await versions('/f')).toEqual(['first', 'second', 'first']);
    const v = await pond.read(async (t) => (await (await t.wd()).getFile('/f')).versions());
    expect(v[2]).toMatchObject({
      version: 3,
      txnSeq: seq,
      restoredFrom: { version: 1, txnSeq: s1 },
    });
    expect(await restore('/f', s1!)).toBeUndefined();
    expect(pond.lastSeq).toBe(seq);

    // A table reads its latest version: the restored copy.
    const t1 = await write(async (t) => (await t.wd()).writeFile('/t', 'table', text('T1')), 'w');
    await write(async (t) => (await t.wd()).writeFile('/t', 'table', text('T2')), 'w');
    await restore('/t', t1!);
    expect(await cat('/t')).toBe('T1');
    expect(await versions('/t')).toEqual(['T1', 'T2', 'T1']);
  });

  it('restore of a directory: entries added since leave it, removed and moved-out ones return', async () => {
    await mkdir('/d/sub');
    await put('/d/a', 'a');
    await put('/d/sub/b', 'b1');
    const at = pond.lastSeq;
    await put('/d/new', 'new');
    await put('/d/sub/b', 'b2');
    await rmPath('/d/a');
    await mv(['/d/sub'], '/d/renamed');
    const newId = await idOf('/d/new');
    const r = await pond.write({ command: ['restore'] }, (t) => restorePath(t, '/d', at));
    const seq = r.seq;
    expect(r.changes).toEqual([
      { path: '/d/new', action: 'removed', type: 'data' },
      { path: '/d/sub', action: 'moved', type: 'directory', from: '/d/renamed' },
      { path: '/d/a', action: 'restored', type: 'data', asOf: at },
      { path: '/d/sub/b', action: 'restored', type: 'data', asOf: at },
    ]);
    expect(await ls('/d')).toEqual(['a', 'sub']);
    expect(await cat('/d/a')).toBe('a');
    expect(await cat('/d/sub/b')).toBe('b1');
    // What was added since is still in history, and the same node if restored.
    expect(await cat('/d/new', seq! - 1)).toBe('new');
    await restore('/d/new', seq! - 1);
    expect(await idOf('/d/new')).toBe(newId);
  });

  it('restore refuses: nothing there then, another node in the way, no parent, a node now elsewhere', async () => {
    await mkdir('/a');
    const s1 = await put('/a/f', 'f');
    expect(await failure(restore('/a/zz', s1!))).toMatchObject({
      code: ErrorCode.NotFound,
      message: `'/a/zz' did not exist at transaction ${s1}`,
    });
    await rmPath('/a/f');
    await put('/a/f', 'another file');
    expect((await failure(restore('/a/f', s1!))).message).toMatch(
      /'\/a\/f' now holds another node \(made after transaction \d+\) than the one it held then: move or remove it first/,
    );
    await rmPath('/a', true);
    expect((await failure(restore('/a/f', s1!))).message).toMatch(
      /'\/a' is not a stored directory now: restore it first \(pond restore \/a --as-of \d+\)/,
    );
    await mkdir('/elsewhere');
    const at = pond.lastSeq;
    await restore('/a', s1!); // /a as it was: with the first /a/f
    expect(await cat('/a/f')).toBe('f');
    await mv(['/a/f'], '/elsewhere/f');
    const before = pond.lastSeq;
    expect((await failure(restore('/a', s1!))).message).toMatch(
      /'\/a\/f' of transaction \d+ is now at '\/elsewhere\/f': move it back or remove it first/,
    );
    expect(pond.lastSeq).toBe(before);
    expect(at).toBeLessThan(before);
  });

  it('revert undoes each kind of change exactly', async () => {
    const made = await mkdir('/s');
    const created = await put('/s/x', 'x1');
    const versioned = await put('/s/x', 'x2');
    await mkdir('/t');
    const moved = await mv(['/s/x'], '/t/y');
    const removed = await rmPath('/t/y');

    // removed -> brought back
    let r = await revert(removed!);
    expect(r.changes).toEqual([
      { path: '/t/y', action: 'restored', type: 'data', asOf: removed! - 1 },
    ]);
    expect(await cat('/t/y')).toBe('x2');
    // moved -> moved back
    r = await revert(moved!);
    expect(r.changes).toEqual([{ path: '/s/x', action: 'moved', type: 'data', from: '/t/y' }]);
    // new version -> the content before it
    r = await revert(versioned!);
    expect(r.changes).toEqual([
      { path: '/s/x', action: 'restored', type: 'data', asOf: versioned! - 1 },
    ]);
    expect(await cat('/s/x')).toBe('x1');
    expect(await versions('/s/x')).toEqual(['x1', 'x2', 'x1']);
    // a revert reverts too
    r = await revert(r.seq!);
    expect(await cat('/s/x')).toBe('x2');
    // created -> removed (later versions are a conflict: forced here)
    expect((await failure(revert(created!))).message).toMatch(
      /made by transaction \d+ and changed later/,
    );
    r = await revert(created!, true);
    expect(r.changes).toEqual([{ path: '/s/x', action: 'removed', type: 'data' }]);
    expect(await ls('/s')).toEqual([]);
    // a made directory leaves with its entries
    r = await revert(made!, true);
    expect(await ls('/')).toEqual(['t']);
  });

  it('revert refuses later changes to the same paths, naming them; --force goes ahead', async () => {
    await mkdir('/d');
    const s1 = await put('/d/f', 'one');
    const s2 = await put('/d/f', 'two');
    const s3 = await put('/d/f', 'three');
    const plan = await pond.read((t) => planRevert(t, s2!));
    expect(plan.steps).toEqual([{ kind: 'restore content', path: '/d/f', type: 'data' }]);
    expect(plan.conflicts).toEqual([
      { path: '/d/f', txn: s3, reason: 'has newer versions', forceable: true },
    ]);
    const e = await failure(revert(s2!));
    expect(e.code).toBe(ErrorCode.Conflict);
    expect(e.message).toMatch(
      /later transactions changed the same paths:\n {2}\/d\/f: has newer versions/,
    );
    expect(pond.lastSeq).toBe(s3);
    await revert(s2!, true);
    expect(await cat('/d/f')).toBe('one');
    expect(s1).toBeLessThan(s2!);
  });

  it('revert steps no flag can force: the name is taken, the directory is gone', async () => {
    await mkdir('/d');
    await put('/d/f', 'f');
    const removed = await rmPath('/d/f');
    await put('/d/f', 'a new file with the same name');
    const e = await failure(revert(removed!, true));
    expect(e.code).toBe(ErrorCode.Conflict);
    expect(e.message).toMatch(/\/d\/f: cannot go back: the name is now taken by another data/);
    await rmPath('/d', true);
    const e2 = await failure(revert(removed!, true));
    expect(e2.message).toMatch(/its directory is no longer in the pond \(restore it first\)/);
  });

  it('revert reads what changed from the oplog, not the commit summary (150 files)', async () => {
    const seq = await write(async (t) => {
      const wd = await t.wd();
      await wd.mkdir('/many');
      for (let i = 0; i < 150; i++) await wd.writeFile(`/many/f${i}`, 'data', text(`${i}`));
    }, 'import');
    await put('/keep', 'k');
    const other = await write(async (t) => {
      const wd = await t.wd();
      for (let i = 0; i < 150; i++) await wd.writeFile(`/f${i}`, 'data', text(`${i}`));
    }, 'import');
    const r = await revert(other!);
    expect(r.changes).toHaveLength(150);
    expect(await ls('/')).toEqual(['keep', 'many']);
    await revert(seq!);
    expect(await ls('/')).toEqual(['keep']);
  });

  it('revert refuses what cannot be reverted', async () => {
    await put('/f', 'f');
    expect((await failure(revert(1))).message).toMatch(/transaction 1 made the pond/);
    expect((await failure(revert(99))).message).toMatch(/transaction 99 does not exist/);
    await maintain(pond);
    const m = await failure(revert(pond.lastSeq));
    expect(m.message).toMatch(/changed no files \(it was maintenance/);
  });

  it('an append after a move and a maintain: every version reads', async () => {
    await mkdir('/a');
    for (let i = 0; i < 5; i++) await put('/a/f', `v${i}`);
    await mkdir('/b');
    await mv(['/a/f'], '/b/f');
    await maintain(pond);
    await put('/b/f', 'after');
    const f = await pond.read(async (t) => (await t.wd()).get('/b/f'));
    expect(isFile(f.node)).toBe(true);
    expect(await versions('/b/f')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'after']);
  });
});
