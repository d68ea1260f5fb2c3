import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import {
  type Action,
  type AddFile,
  DeltaTable,
  type StructType,
  scanRows,
  scanSql,
} from '../index.js';
import { copyTable, goldenTable, haveFixtures, removeDir, tempDir } from './helpers.js';
import { lintTable } from './log-lint.js';

/** DeltaTable operations: commits, txns, conflicts, refresh, checkpoints, optimize, vacuum, log cleanup. */

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'part_id', type: 'string', nullable: false, metadata: {} },
    { name: 'x', type: 'long', nullable: true, metadata: {} },
  ],
};

const commitFile = (root: string, v: number): string =>
  path.join(root, '_delta_log', `${String(v).padStart(20, '0')}.json`);

describe('DeltaTable', () => {
  let session: DuckSession;
  let tmp: string;
  let n = 0;
  beforeAll(async () => {
    session = await DuckSession.open({ threads: 2 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    session.close();
    await removeDir(tmp);
  });

  const create = (config: Record<string, string> = {}): Promise<DeltaTable> =>
    DeltaTable.create(path.join(tmp, `t${n++}`), session, {
      schema: SCHEMA,
      partitionColumns: ['part_id'],
      configuration: config,
    });

  const append = async (
    t: DeltaTable,
    part: string,
    xs: number[],
    extra: Action[] = [],
  ): Promise<number> => {
    const adds = await t.writeFiles(
      `SELECT ${`'${part}'`} AS part_id, unnest([${xs.join(',')}]) AS x`,
    );
    return t.commit({
      actions: [...adds.map((add) => ({ add })), ...extra],
      readVersion: t.snapshot.version,
      blindAppend: true,
    });
  };

  const xs = async (t: DeltaTable, version?: number): Promise<number[]> => {
    const snap = version === undefined ? t.snapshot : await t.snapshotAt(version);
    return (await scanRows<{ x: bigint }>(session, snap))
      .map((r) => Number(r.x))
      .sort((a, b) => a - b);
  };

  it('creates version 0 with protocol (1,2), metadata and commitInfo', async () => {
    const t = await DeltaTable.create(path.join(tmp, 'created'), session, {
      schema: SCHEMA,
      partitionColumns: ['part_id'],
      name: 'oplog',
      description: 'd',
      commitInfo: { pond: { id: 'p1' } },
    });
    expect(t.snapshot.version).toBe(0);
    expect(t.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(t.snapshot.metadata.configuration).toEqual({ 'delta.checkpointInterval': '10' });
    expect(t.snapshot.metadata.name).toBe('oplog');
    expect(t.snapshot.schema).toEqual(SCHEMA);
    const actions = await t.readCommit(0);
    const info = actions.find(
      (a): a is { commitInfo: Record<string, unknown> } => 'commitInfo' in a,
    )!.commitInfo;
    expect(info).toMatchObject({
      operation: 'CREATE TABLE',
      isBlindAppend: false,
      pond: { id: 'p1' },
    });
    expect(typeof info['timestamp']).toBe('number');
    expect(info['engineInfo']).toMatch(/pond-delta/);
    await expect(t.readCommit(1)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('commits appends with the caller commitInfo flattened, and reads them back', async () => {
    const t = await create();
    const adds = await t.writeFiles(`SELECT 'a' AS part_id, 1 AS x`);
    const v = await t.commit({
      actions: adds.map((add) => ({ add })),
      readVersion: 0,
      blindAppend: true,
      commitInfo: { operation: 'POND TXN', pond_txn: { seq: 1, user: 'me' } },
    });
    expect(v).toBe(1);
    const info = (await t.readCommit(1)).find((a) => 'commitInfo' in a) as {
      commitInfo: Record<string, unknown>;
    };
    expect(info.commitInfo).toMatchObject({
      operation: 'POND TXN',
      readVersion: 0,
      isBlindAppend: true,
      pond_txn: { seq: 1, user: 'me' },
    });
    expect(await xs(t)).toEqual([1]);
  });

  it('makes txn re-submissions no-ops (idempotent writes)', async () => {
    const t = await create();
    const txn = (version: number): Action => ({
      txn: { appId: 'importer', version, lastUpdated: Date.now() },
    });
    expect(await append(t, 'a', [1], [txn(1)])).toBe(1);
    expect(t.snapshot.appTxns.get('importer')).toBe(1);
    // Same batch again: nothing written, the current version returned.
    expect(await append(t, 'a', [1], [txn(1)])).toBe(1);
    expect(await append(t, 'a', [1], [txn(0)])).toBe(1);
    expect(
      await fs.access(commitFile(t.root, 2)).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    expect(await append(t, 'a', [2], [txn(2)])).toBe(2);
    expect(await xs(t)).toEqual([1, 2]);
    // A second table object with a stale snapshot sees the txn after its own refresh.
    const other = await DeltaTable.open(t.root, session);
    expect(await append(t, 'a', [3], [txn(3)])).toBe(3);
    expect(await append(other, 'a', [3], [txn(3)])).toBe(3);
    expect(await xs(t)).toEqual([1, 2, 3]);
  });

  it('retries a blind append that lost a race, and refuses a change that conflicts', async () => {
    const t = await create();
    await append(t, 'a', [1]);
    const a = await DeltaTable.open(t.root, session);
    const b = await DeltaTable.open(t.root, session);
    // Both based on version 1.
    const adds = await b.writeFiles(`SELECT 'b' AS part_id, 2 AS x`);
    expect(await append(a, 'a', [10])).toBe(2);
    expect(
      await b.commit({ actions: adds.map((add) => ({ add })), readVersion: 1, blindAppend: true }),
    ).toBe(3);
    expect(await xs(b)).toEqual([1, 2, 10]);

    // A non-blind commit (it read the table) based on a stale version conflicts.
    const victim = b.snapshot.files[0]!;
    const remove: Action = {
      remove: { path: victim.path, deletionTimestamp: Date.now(), dataChange: true },
    };
    await append(a, 'a', [11]);
    const err = await b
      .commit({ actions: [remove], readVersion: 3, blindAppend: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.Conflict });
    expect(String((err as Error).message)).toMatch(/version 4/);

    // A metadata change by the winner stops even a blind append.
    const md = {
      ...a.snapshot.metadata,
      configuration: { ...a.snapshot.metadata.configuration, k: 'v' },
    };
    const stale = await b.writeFiles(`SELECT 'b' AS part_id, 3 AS x`);
    await a.commit({ actions: [{ metaData: md }], readVersion: 4, blindAppend: false });
    await expect(
      b.commit({ actions: stale.map((add) => ({ add })), readVersion: 4, blindAppend: true }),
    ).rejects.toThrow(/version 5: that commit changed the table metadata/);
    await lintTable(session, t.root);
  });

  it('pushes projections and filters down into read_parquet', async () => {
    const t = await create();
    await append(t, 'a', [1, 2, 3]);
    await append(t, 'b', [4]);
    const plan = (
      await session.all<{ explain_value: string }>(
        `EXPLAIN SELECT x FROM (${scanSql(t.snapshot)}) WHERE x = 2`,
      )
    )
      .map((r) => r.explain_value)
      .join('\n');
    expect(plan).toMatch(/READ_PARQUET[\s\S]*Filters:\s*x=2/);
    expect(await session.all(`SELECT x FROM (${scanSql(t.snapshot)}) WHERE x = 2`)).toEqual([
      { x: 2n },
    ]);
    const pruned = scanSql(t.snapshot, { partitionEquals: { part_id: 'b' } });
    expect((pruned.match(/read_parquet\(/g) ?? []).length).toBe(1);
    expect(await session.all(`SELECT part_id, x FROM (${pruned})`)).toEqual([
      { part_id: 'b', x: 4n },
    ]);
  });

  it('refreshes incrementally and keeps old snapshots unchanged', async () => {
    const t = await create();
    await append(t, 'a', [1]);
    const reader = await DeltaTable.open(t.root, session);
    const old = reader.snapshot;
    await append(t, 'a', [2]);
    await append(t, 'b', [3]);
    const fresh = await reader.refresh();
    expect(fresh.version).toBe(3);
    expect(fresh.files).toHaveLength(3);
    expect(old.version).toBe(1);
    expect(old.files).toHaveLength(1);
    expect(await reader.refresh()).toBe(fresh);
  });

  it('checkpoints every delta.checkpointInterval commits and opens from _last_checkpoint', async () => {
    const t = await create({ 'delta.checkpointInterval': '3' });
    for (let i = 1; i <= 7; i++) await append(t, i % 2 ? 'a' : 'b', [i]);
    const log = await fs.readdir(path.join(t.root, '_delta_log'));
    expect(log.filter((f) => f.endsWith('.checkpoint.parquet'))).toEqual([
      '00000000000000000003.checkpoint.parquet',
      '00000000000000000006.checkpoint.parquet',
    ]);
    const hint = JSON.parse(
      await fs.readFile(path.join(t.root, '_delta_log', '_last_checkpoint'), 'utf8'),
    );
    expect(hint).toMatchObject({ version: 6, size: 2 + 6, numOfAddFiles: 6 });
    const reopened = await DeltaTable.open(t.root, session);
    expect(reopened.snapshot.state.checkpointVersion).toBe(6);
    expect(await xs(reopened)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // An explicit checkpoint of an older version does not move the hint back.
    await t.checkpoint(4);
    expect(
      JSON.parse(await fs.readFile(path.join(t.root, '_delta_log', '_last_checkpoint'), 'utf8'))
        .version,
    ).toBe(6);
    expect(await xs(t, 5)).toEqual([1, 2, 3, 4, 5]);
    await lintTable(session, t.root);
  });

  it('optimizes small files per partition with dataChange=false', async () => {
    const t = await create();
    for (let i = 0; i < 6; i++) await append(t, i < 4 ? 'a' : 'b', [i]);
    await append(t, 'c', [100]);
    const before = await xs(t);
    const onlyA = await t.optimize({ partitionFilter: (pv) => pv['part_id'] === 'a' });
    expect(onlyA).toMatchObject({ filesRemoved: 4, filesAdded: 1 });
    const actions = await t.readCommit(onlyA.version!);
    const removes = actions.flatMap((a) => ('remove' in a ? [a.remove] : []));
    const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
    expect(adds.every((a) => !a.dataChange)).toBe(true);
    for (const r of removes) {
      expect(r).toMatchObject({
        dataChange: false,
        extendedFileMetadata: true,
        partitionValues: { part_id: 'a' },
      });
      expect(typeof r.deletionTimestamp).toBe('number');
      expect(typeof r.size).toBe('number');
    }
    const rest = await t.optimize();
    expect(rest).toMatchObject({ filesRemoved: 2, filesAdded: 1 }); // 'b'; 'c' has one file only
    expect(await t.optimize()).toEqual({ version: undefined, filesRemoved: 0, filesAdded: 0 });
    expect(t.snapshot.files).toHaveLength(3);
    expect(await xs(t)).toEqual(before);
    expect(await t.snapshot.tombstones()).toHaveLength(6);
    await lintTable(session, t.root);
  });

  it('vacuums unreferenced old files only, never under _ or . names', async () => {
    const t = await create();
    await append(t, 'a', [1]);
    await append(t, 'a', [2]);
    const compacted = (await t.optimize()).version!;
    expect(compacted).toBe(3);
    const tombstoned = (await t.snapshot.tombstones())
      .map((r) => decodeURIComponent(r.path))
      .sort();
    await fs.writeFile(path.join(t.root, 'part_id=a', 'stray.parquet'), 'x');
    await fs.mkdir(path.join(t.root, '_large_files'));
    await fs.writeFile(path.join(t.root, '_large_files', 'sha256=ab'), 'x');
    await fs.writeFile(path.join(t.root, 'part_id=a', '.crc'), 'x');
    // Within the retention: tombstones and young files stay.
    expect(await t.vacuum({ retentionMs: 3600_000 })).toEqual([]);
    // Dry run lists, deletes nothing.
    const later = Date.now() + 10_000;
    const dry = await t.vacuum({ retentionMs: 1000, now: later, dryRun: true });
    expect(dry).toEqual([...tombstoned, 'part_id=a/stray.parquet'].sort());
    await fs.access(path.join(t.root, 'part_id=a', 'stray.parquet'));
    expect(await t.vacuum({ retentionMs: 1000, now: later })).toEqual(dry);
    for (const f of dry) await expect(fs.access(path.join(t.root, f))).rejects.toThrow();
    await fs.access(path.join(t.root, '_large_files', 'sha256=ab'));
    await fs.access(path.join(t.root, 'part_id=a', '.crc'));
    expect(await xs(t)).toEqual([1, 2]);
    // Versions that needed the vacuumed files now fail clearly.
    await expect(xs(t, 2)).rejects.toMatchObject({ code: ErrorCode.DeltaCorrupt });
  });

  it('vacuum keeps retired files for delta.deletedFileRetentionDuration by default', async () => {
    const t = await create();
    await append(t, 'a', [1]);
    await append(t, 'a', [2]);
    await t.optimize();
    const day = 24 * 3600_000;
    // Six days on, the week-long default keeps them; eight days on, they go.
    expect(await t.vacuum({ now: Date.now() + 6 * day, dryRun: true })).toEqual([]);
    expect(await t.vacuum({ now: Date.now() + 8 * day, dryRun: true })).toHaveLength(2);
    expect(await xs(t, 2)).toEqual([1, 2]);
    const short = await create({ 'delta.deletedFileRetentionDuration': 'interval 1 hour' });
    await append(short, 'a', [1]);
    await append(short, 'a', [2]);
    await short.optimize();
    expect(await short.vacuum({ now: Date.now() + 2 * 3600_000 })).toHaveLength(2);
    await expect(xs(short, 2)).rejects.toMatchObject({ code: ErrorCode.DeltaCorrupt });
  });

  it('vacuum and log cleanup delete only what the caller owns', async () => {
    const t = await create({ 'delta.checkpointInterval': '2' });
    await append(t, 'a', [1]);
    await append(t, 'a', [2]);
    await t.optimize();
    await fs.writeFile(path.join(t.root, 'part_id=a', 'theirs.parquet'), 'x');
    await fs.mkdir(path.join(t.root, 'other'));
    await fs.writeFile(path.join(t.root, 'other', 'part-1.parquet'), 'x');
    const ours = (rel: string, isDir: boolean) =>
      isDir ? rel === 'part_id=a' : /^part_id=a\/part-[0-9a-f-]{36}\.parquet$/.test(rel);
    const later = Date.now() + 10_000;
    const gone = await t.vacuum({ retentionMs: 0, now: later, owns: ours });
    expect(gone).toHaveLength(2);
    expect(gone.every((f) => ours(f, false))).toBe(true);
    await fs.access(path.join(t.root, 'part_id=a', 'theirs.parquet'));
    await fs.access(path.join(t.root, 'other', 'part-1.parquet'));

    const log = path.join(t.root, '_delta_log');
    await fs.writeFile(path.join(log, '00000000000000000000.crc'), '{}');
    const removed = await t.cleanupLog({
      retentionMs: 0,
      now: later,
      owns: (name) => !name.endsWith('.crc'),
    });
    expect(removed.length).toBeGreaterThan(0);
    await fs.access(path.join(log, '00000000000000000000.crc'));
    await expect(fs.access(commitFile(t.root, 0))).rejects.toThrow();
  });

  it('cleans the log below a checkpoint older than the retention', async () => {
    const t = await create({ 'delta.checkpointInterval': '5' });
    for (let i = 1; i <= 12; i++) await append(t, 'a', [i]);
    const base = Math.floor((Date.now() - 100 * 86400_000) / 1000) * 1000; // whole seconds: utimes is exact
    for (let v = 0; v <= 12; v++) {
      const s = (base + v * 3600_000) / 1000;
      await fs.utimes(commitFile(t.root, v), s, s);
    }
    // Cutoff between versions 7 and 8: the newest checkpoint at or below 7 is 5.
    const removed = await t.cleanupLog({ retentionMs: 0, now: base + 7.5 * 3600_000 });
    expect(removed).toEqual([0, 1, 2, 3, 4]);
    const log = await fs.readdir(path.join(t.root, '_delta_log'));
    expect(log).toContain('00000000000000000005.json');
    expect(log).toContain('00000000000000000005.checkpoint.parquet');
    await expect(t.snapshotAt(4)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await xs(t, 5)).toEqual([1, 2, 3, 4, 5]);
    expect((await t.commitTimestamps())[0]).toEqual({ version: 5, timestamp: base + 5 * 3600_000 });
    expect((await t.snapshotAtTimestamp(base + 9.5 * 3600_000)).version).toBe(9);
    await expect(t.snapshotAtTimestamp(base + 1000)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    const reopened = await DeltaTable.open(t.root, session);
    expect(await xs(reopened)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Nothing older than a kept checkpoint: nothing more to clean.
    expect(await t.cleanupLog({ retentionMs: 0, now: base + 7.5 * 3600_000 })).toEqual([]);
    await lintTable(session, t.root);
  });

  it('refuses removes on append-only tables and writes to tables it cannot write', async () => {
    const t = await create({ 'delta.appendOnly': 'true' });
    await append(t, 'a', [1]);
    const f: AddFile = t.snapshot.files[0]!;
    await expect(
      t.commit({
        actions: [{ remove: { path: f.path, deletionTimestamp: 1, dataChange: true } }],
        readVersion: 1,
        blindAppend: false,
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.commit({
        actions: [{ add: { ...f, partitionValues: {} } }],
        readVersion: 1,
        blindAppend: true,
      }),
    ).rejects.toThrow(/exactly the partition columns/);
    await expect(
      t.commit({ actions: [{ add: f }, { add: f }], readVersion: 1, blindAppend: true }),
    ).rejects.toThrow(/added twice/);
  });

  it.skipIf(!haveFixtures)(
    'refuses to write a table whose protocol needs features it lacks',
    async () => {
      const root = await copyTable(
        goldenTable('basic-with-vacuum-protocol-check-feature'),
        path.join(tmp, 'v3'),
      );
      const t = await DeltaTable.open(root, session);
      await expect(t.writeFiles(`SELECT 1 AS id`)).rejects.toMatchObject({
        code: ErrorCode.DeltaUnsupported,
      });
      await expect(t.vacuum({ retentionMs: 0 })).rejects.toThrow(/writer 7/);
      await expect(
        t.commit({ actions: [], readVersion: t.snapshot.version, blindAppend: true }),
      ).rejects.toMatchObject({
        code: ErrorCode.DeltaUnsupported,
      });
    },
  );
});
