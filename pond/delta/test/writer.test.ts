import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { ident, literal, stringList } from '../../duckdb/sql.js';
import { type AddFile, DeltaTable, type Snapshot, type StructType, scanSql } from '../index.js';
import { partitionValueSql } from '../partition-values.js';
import { fieldOf } from '../schema.js';
import { multisetDiff, prng, removeDir, tempDir, textRelation } from './helpers.js';
import { lintTable } from './log-lint.js';

/**
 * Randomized sequences of append / delete / optimize / checkpoint / vacuum, checked after every
 * step against an oracle kept in DuckDB, then at every version by time travel; a plain
 * read_parquet of the live files must give the same rows; every commit and checkpoint is linted.
 * Replay a failure with POND_DELTA_SEED=<seed>.
 */

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'part', type: 'string', nullable: true, metadata: {} },
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'val', type: 'double', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
    { name: 'n', type: 'integer', nullable: true, metadata: {} },
    { name: 'data', type: 'binary', nullable: true, metadata: {} },
    {
      name: 'amount',
      type: { type: 'decimal', precision: 12, scale: 3 },
      nullable: true,
      metadata: {},
    },
    {
      name: 'loc',
      type: {
        type: 'struct',
        fields: [
          { name: 'lat', type: 'double', nullable: true, metadata: {} },
          { name: 'site', type: 'string', nullable: true, metadata: {} },
        ],
      },
      nullable: true,
      metadata: {},
    },
    {
      name: 'tags',
      type: { type: 'array', elementType: 'string', containsNull: true },
      nullable: true,
      metadata: {},
    },
  ],
};
const COLUMNS = SCHEMA.fields.map((f) => f.name);
const PARTS = ['a', 'b/c', 'x y%', 'é', null];

/** The same rows as the table, rebuilt from parquet files with plain DuckDB and the log's partitionValues. */
function plainRead(snapshot: Snapshot, files: AddFile[]): string {
  const typed = `SELECT ${SCHEMA.fields.map((f) => `NULL AS ${ident(f.name)}`).join(', ')} LIMIT 0`;
  const parts = files.map((f) => {
    const part = partitionValueSql(
      fieldOf(SCHEMA, 'part')!.type,
      f.partitionValues['part'],
      'part',
    );
    return `SELECT *, ${part} AS part FROM read_parquet(${literal(snapshot.filePath(f))}, hive_partitioning = false)`;
  });
  return [typed, ...parts].map((p) => `(${p})`).join(' UNION ALL BY NAME ');
}

describe('writer', () => {
  let session: DuckSession;
  let tmp: string;
  beforeAll(async () => {
    session = await DuckSession.open({ threads: 2 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    session.close();
    await removeDir(tmp);
  });

  it('randomized append / delete / optimize / checkpoint / vacuum match an oracle at every version', async () => {
    const seed = Number(process.env['POND_DELTA_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`writer oracle test seed: ${seed} (replay with POND_DELTA_SEED=${seed})`);
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const root = path.join(tmp, `oracle-${seed}`);
    const table = await DeltaTable.create(root, session, {
      schema: SCHEMA,
      partitionColumns: ['part'],
      configuration: { 'delta.deletedFileRetentionDuration': 'interval 1 hour' },
      name: 'oracle',
      commitInfo: { test: { seed } },
    });
    // The oracle: every row with the versions that added and removed it.
    await session.run(
      `CREATE TABLE oracle AS SELECT * , 0::BIGINT AS added, NULL::BIGINT AS removed FROM (${scanSql(table.snapshot)})`,
    );
    const liveAt = (v: number): string =>
      `SELECT ${COLUMNS.map(ident).join(', ')} FROM oracle WHERE added <= ${v} AND (removed IS NULL OR removed > ${v})`;
    const filesAt = new Map<number, Set<string>>([[0, new Set()]]);
    const vacuumed = new Set<string>();
    let nextId = 0;

    const rowSql = (): string => {
      const id = nextId++;
      // Typed NULLs, so a column that is NULL in every row still has the schema's type.
      const maybe = (s: string, type: string): string => (rnd() < 0.15 ? `NULL::${type}` : s);
      const text = Array.from({ length: Math.floor(rnd() * 60) }, () =>
        pick(['a', 'Z', 'é', '😀', ' ', '~']),
      ).join('');
      const micros = Math.floor(rnd() * 1e15) - 2e14;
      const part = pick(PARTS);
      return `(${[
        part === null ? 'NULL::VARCHAR' : literal(part),
        `${id - 50}::BIGINT`,
        maybe(`${(rnd() - 0.5) * 1e6}::DOUBLE`, 'DOUBLE'),
        maybe(`make_timestamptz(${micros}::BIGINT)`, 'TIMESTAMPTZ'),
        maybe(`DATE '1970-01-01' + ${Math.floor(rnd() * 40000) - 10000}`, 'DATE'),
        maybe(literal(text), 'VARCHAR'),
        maybe(`${Math.floor(rnd() * 2000) - 1000}::INTEGER`, 'INTEGER'),
        maybe(`encode(${literal(text.slice(0, 3))})`, 'BLOB'),
        maybe(`${(Math.floor(rnd() * 1e9) / 1000).toFixed(3)}::DECIMAL(12,3)`, 'DECIMAL(12,3)'),
        maybe(
          `{'lat': ${rnd() * 90}::DOUBLE, 'site': ${literal(pick(['s1', 's2']))}}`,
          'STRUCT(lat DOUBLE, site VARCHAR)',
        ),
        maybe(`[${literal(pick(['t1', 't2']))}, NULL]::VARCHAR[]`, 'VARCHAR[]'),
      ].join(', ')})`;
    };

    const checkLatest = async (): Promise<void> => {
      const snap = table.snapshot;
      const oracle = textRelation(snap, liveAt(snap.version));
      expect(await multisetDiff(session, textRelation(snap, scanSql(snap)), oracle)).toEqual({
        extra: 0,
        missing: 0,
      });
      expect(
        await multisetDiff(session, textRelation(snap, plainRead(snap, snap.files)), oracle),
      ).toEqual({
        extra: 0,
        missing: 0,
      });
      filesAt.set(snap.version, new Set(snap.files.map((f) => snap.filePath(f))));
    };

    const steps = 40;
    const ops = { append: 0, delete: 0, optimize: 0, checkpoint: 0, vacuum: 0, unreadable: 0 };
    for (let step = 0; step < steps; step++) {
      // Every run vacuums at least once (step 30); otherwise the operation is random.
      const r = step === 30 ? 0.99 : rnd();
      const before = table.snapshot.version;
      if (r < 0.5 || table.snapshot.files.length === 0) {
        const rows = Array.from({ length: 1 + Math.floor(rnd() * 30) }, rowSql);
        const values = `SELECT * FROM (VALUES ${rows.join(', ')}) t(${COLUMNS.map(ident).join(', ')})`;
        const targetFileRows = rnd() < 0.3 ? 1 + Math.floor(rnd() * 5) : undefined;
        ops.append++;
        const adds = await table.writeFiles(
          values,
          targetFileRows === undefined ? {} : { targetFileRows },
        );
        const v = await table.commit({
          actions: adds.map((add) => ({ add })),
          readVersion: before,
          blindAppend: true,
        });
        await session.run(`INSERT INTO oracle SELECT *, ${v}, NULL FROM (${values})`);
      } else if (r < 0.62) {
        // Delete a partition: removes with dataChange=true, a non-blind commit.
        const part = pick(PARTS);
        const doomed = table.snapshot.files.filter(
          (f) => (f.partitionValues['part'] ?? null) === part,
        );
        if (doomed.length === 0) continue;
        ops.delete++;
        const now = Date.now();
        const v = await table.commit({
          actions: doomed.map((f) => ({
            remove: {
              path: f.path,
              deletionTimestamp: now,
              dataChange: true,
              extendedFileMetadata: true,
              partitionValues: f.partitionValues,
              size: f.size,
            },
          })),
          readVersion: before,
          blindAppend: false,
          commitInfo: { operation: 'DELETE' },
        });
        await session.run(
          `UPDATE oracle SET removed = ${v} WHERE removed IS NULL AND part IS NOT DISTINCT FROM ${part === null ? 'NULL' : literal(part)}`,
        );
      } else if (r < 0.77) {
        const res = await table.optimize({ targetFileSize: 1 + Math.floor(rnd() * 8000) });
        expect(res.filesAdded).toBeLessThanOrEqual(res.filesRemoved);
        if (res.version === undefined) continue;
        ops.optimize++;
      } else if (r < 0.95) {
        ops.checkpoint++;
        await table.checkpoint();
        continue; // no new version
      } else {
        // Vacuum everything unreferenced, including files of older versions.
        await fs.writeFile(path.join(root, 'orphan.parquet'), 'x');
        await fs.mkdir(path.join(root, '_large_files'), { recursive: true });
        await fs.writeFile(path.join(root, '_large_files', 'blob'), 'x');
        await fs.mkdir(path.join(root, '.hidden'), { recursive: true });
        await fs.writeFile(path.join(root, '.hidden', 'x.parquet'), 'x');
        ops.vacuum++;
        const deleted = await table.vacuum({ retentionMs: 0, now: Date.now() + 5000 });
        expect(deleted).toContain('orphan.parquet');
        expect(
          deleted.some(
            (d) => d.startsWith('_') || d.startsWith('.') || d.includes('/_') || d.includes('/.'),
          ),
        ).toBe(false);
        const live = new Set(table.snapshot.files.map((f) => table.snapshot.filePath(f)));
        for (const d of deleted) {
          expect(live.has(path.join(root, d))).toBe(false);
          vacuumed.add(path.join(root, d));
        }
        await fs.access(path.join(root, '_large_files', 'blob'));
        await fs.access(path.join(root, '.hidden', 'x.parquet'));
        continue;
      }
      expect(table.snapshot.version).toBe(before + 1);
      await checkLatest();
    }

    // Every version by time travel: equal to the oracle, or (files vacuumed) a clear error.
    const latest = table.snapshot.version;
    for (let v = 0; v <= latest; v++) {
      const snap = await table.snapshotAt(v);
      const gone = [...(filesAt.get(v) ?? [])].some((f) => vacuumed.has(f));
      if (gone) {
        ops.unreadable++;
        expect(() => scanSql(snap)).toThrow(/does not exist/);
        continue;
      }
      const diff = await multisetDiff(
        session,
        textRelation(snap, scanSql(snap)),
        textRelation(snap, liveAt(v)),
      );
      expect({ v, ...diff }).toEqual({ v, extra: 0, missing: 0 });
    }
    console.log(
      `writer oracle test (seed ${seed}): ${latest + 1} versions, ${JSON.stringify(ops)}`,
    );
    // A fresh open (from _last_checkpoint) gives the same state as the writer's own snapshot.
    const reopened = await DeltaTable.open(root, session);
    expect(reopened.snapshot.files.map((f) => f.path).sort()).toEqual(
      table.snapshot.files.map((f) => f.path).sort(),
    );
    await lintTable(session, root);
  });

  it('writes partition values, paths and stats that other readers decode', async () => {
    const root = path.join(tmp, 'types');
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'p_ts', type: 'timestamp', nullable: true, metadata: {} },
        { name: 'p_date', type: 'date', nullable: true, metadata: {} },
        { name: 'p_int', type: 'integer', nullable: true, metadata: {} },
        { name: 'p_bool', type: 'boolean', nullable: true, metadata: {} },
        {
          name: 'p_dec',
          type: { type: 'decimal', precision: 5, scale: 2 },
          nullable: true,
          metadata: {},
        },
        { name: 'v', type: 'string', nullable: true, metadata: {} },
      ],
    };
    const table = await DeltaTable.create(root, session, {
      schema,
      partitionColumns: ['p_ts', 'p_date', 'p_int', 'p_bool', 'p_dec'],
    });
    const adds = await table.writeFiles(
      `SELECT TIMESTAMPTZ '2024-03-04 05:06:07.123456+00' AS p_ts, DATE '2024-03-04' AS p_date, 7 AS p_int, true AS p_bool, 1.25::DECIMAL(5,2) AS p_dec, 'x' AS v
       UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, repeat('ü', 40)`,
    );
    await table.commit({
      actions: adds.map((add) => ({ add })),
      readVersion: 0,
      blindAppend: true,
    });
    const byValue = adds.find((a) => a.partitionValues['p_int'] !== null)!;
    expect(byValue.partitionValues).toEqual({
      p_ts: '2024-03-04T05:06:07.123456Z',
      p_date: '2024-03-04',
      p_int: '7',
      p_bool: 'true',
      p_dec: '1.25',
    });
    const snap = table.snapshot;
    expect(snap.partitionValue(byValue, 'p_ts')).toEqual(new Date('2024-03-04T05:06:07.123Z'));
    expect(snap.partitionValue(byValue, 'p_int')).toBe(7);
    expect(snap.partitionValue(byValue, 'p_dec')).toBe('1.25');
    const nulls = adds.find((a) => a.partitionValues['p_int'] === null)!;
    expect(snap.partitionValue(nulls, 'p_bool')).toBeNull();
    // The logged path decodes (once) to the file DuckDB wrote.
    for (const a of adds) await fs.access(snap.filePath(a));
    expect(byValue.path).toMatch(/^p_ts=2024-03-04%252005%253A06%253A07\.123456%252B00\//);
    const stats = JSON.parse(nulls.stats!) as {
      minValues: { v: string };
      maxValues: { v: string };
    };
    expect([...stats.minValues.v]).toHaveLength(32);
    expect(stats.maxValues.v).toBe('ü'.repeat(32) + '\u{10FFFF}');
    const rows = await session.all(
      `SELECT p_int, p_ts, v FROM (${scanSql(snap)}) ORDER BY p_int NULLS LAST`,
    );
    expect(rows[0]).toMatchObject({ p_int: 7, v: 'x' });
    await lintTable(session, root);
  });

  it('refuses data that does not fit the schema, and leaves no files behind', async () => {
    const root = path.join(tmp, 'refuse');
    const table = await DeltaTable.create(root, session, {
      schema: {
        type: 'struct',
        fields: [
          { name: 'k', type: 'string', nullable: false, metadata: {} },
          { name: 'x', type: 'integer', nullable: false, metadata: {} },
        ],
      },
      partitionColumns: ['k'],
    });
    const count = async (): Promise<number> =>
      (await fs.readdir(root, { recursive: true })).filter((f) => String(f).endsWith('.parquet'))
        .length;
    await expect(table.writeFiles(`SELECT 'a' AS k, 1.5 AS x`)).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    await expect(table.writeFiles(`SELECT 'a' AS k, 1 AS x, 2 AS y`)).rejects.toThrow(
      /'y' is not in the table schema/,
    );
    await expect(table.writeFiles(`SELECT 'a' AS k, NULL::INTEGER AS x`)).rejects.toThrow(
      /non-nullable column 'x'/,
    );
    await expect(table.writeFiles(`SELECT NULL::VARCHAR AS k, 1 AS x`)).rejects.toThrow(
      /non-nullable partition column 'k'/,
    );
    await expect(table.writeFiles(`SELECT '' AS k, 1 AS x`)).rejects.toThrow(/empty string/);
    expect(await count()).toBe(0);
    expect(await table.writeFiles(`SELECT 'a' AS k, 1 AS x WHERE false`)).toEqual([]);
    expect(await count()).toBe(0);
    await expect(
      DeltaTable.create(path.join(tmp, 'refuse2'), session, {
        schema: {
          type: 'struct',
          fields: [
            { name: 'f', type: 'double', nullable: true, metadata: {} },
            { name: 'y', type: 'long', nullable: true, metadata: {} },
          ],
        },
        partitionColumns: ['f'],
      }),
    ).rejects.toThrow(/partition column 'f' has type double/);
    await expect(
      DeltaTable.create(root, session, { schema: SCHEMA, partitionColumns: [] }),
    ).rejects.toMatchObject({
      code: ErrorCode.AlreadyExists,
    });
  });

  it('reads its own files with plain DuckDB, and they need no Delta reader', async () => {
    const root = path.join(tmp, 'plain');
    const table = await DeltaTable.create(root, session, { schema: SCHEMA, partitionColumns: [] });
    const adds = await table.writeFiles(
      `SELECT 'p' AS part, 1 AS id, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS ts`,
      { targetFileRows: 1 },
    );
    await table.commit({
      actions: adds.map((add) => ({ add })),
      readVersion: 0,
      blindAppend: true,
    });
    const files = table.snapshot.files.map((f) => table.snapshot.filePath(f));
    const rows = await session.all(`SELECT id, ts, part FROM read_parquet(${stringList(files)})`);
    expect(rows).toEqual([{ id: 1n, ts: new Date('2024-01-01T00:00:00Z'), part: 'p' }]);
  });
});
