import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { stringList } from '../../duckdb/sql.js';
import { DeltaTable, scanSql } from '../index.js';
import {
  compareWithParquet,
  copyTable,
  goldenExpected,
  goldenTable,
  haveFixtures,
  manifest,
  multisetDiff,
  removeDir,
  tempDir,
  textRelation,
} from './helpers.js';

/**
 * Conformance against the Spark-written golden tables of delta-kernel-rs (see
 * ../shared/delta-fixtures/README.md): rows, metadata, errors, time travel, checkpoint paths.
 */

const entries = manifest();

/** Expected state of the `metadata` tables (Kernel-Java LogReplaySuite; notes §2.3, §2.4). */
const METADATA: Record<
  string,
  { version: number; files: string[]; check?: (t: DeltaTable) => void }
> = {
  checkpoint: { version: 14, files: ['15'] },
  'delete-re-add-same-file-different-transactions': {
    version: 3,
    files: ['bar', 'foo'],
    check: (t) =>
      expect(t.snapshot.files.find((f) => f.path === 'foo')!.modificationTime).toBe(1700000000000),
  },
  'log-replay-special-characters-b': {
    version: 0,
    files: ['special p@#h'],
    check: (t) =>
      expect(path.basename(t.snapshot.filePath(t.snapshot.files[0]!))).toBe('special p@#h'),
  },
  'update-deleted-directory': {
    version: 0,
    files: ['1', '10', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
};

/** Expected error of each `error` table: its code and what the message must name. */
const ERRORS: Record<string, { code: string; message: RegExp[] }> = {
  'deltalog-invalid-protocol-version': {
    code: ErrorCode.DeltaUnsupported,
    message: [/reader version 99/],
  },
  'dv-partitioned-with-checkpoint': {
    code: ErrorCode.DeltaUnsupported,
    message: [/deletionVectors/, /version 15/],
  },
  'dv-with-columnmapping': {
    code: ErrorCode.DeltaUnsupported,
    message: [/deletionVectors/, /columnMapping/],
  },
  'table-with-columnmapping-mode-id': {
    code: ErrorCode.DeltaUnsupported,
    message: [/columnMapping/, /mode=id/],
  },
  'table-with-columnmapping-mode-name': {
    code: ErrorCode.DeltaUnsupported,
    message: [/columnMapping/, /mode=name/],
  },
  'deltalog-state-reconstruction-without-metadata': {
    code: ErrorCode.DeltaCorrupt,
    message: [/no metaData/, /version 0/],
  },
  'deltalog-state-reconstruction-without-protocol': {
    code: ErrorCode.DeltaCorrupt,
    message: [/no protocol/, /version 0/],
  },
  'deltalog-state-reconstruction-from-checkpoint-missing-metadata': {
    code: ErrorCode.DeltaCorrupt,
    message: [/no metaData/, /version 10/, /00000000000000000010\.checkpoint\.parquet/],
  },
  'deltalog-state-reconstruction-from-checkpoint-missing-protocol': {
    code: ErrorCode.DeltaCorrupt,
    message: [/no protocol/, /version 10/, /00000000000000000010\.checkpoint\.parquet/],
  },
  'versions-not-contiguous': {
    code: ErrorCode.DeltaCorrupt,
    message: [/missing version 1\b/, /00000000000000000001\.json/],
  },
  'no-delta-log-folder': { code: ErrorCode.NotFound, message: [/_delta_log/] },
};

async function openError(root: string, session: DuckSession): Promise<PondError> {
  const e = await DeltaTable.open(root, session).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PondError);
  return e as PondError;
}

describe.skipIf(!haveFixtures)('golden tables', () => {
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

  describe('rows tables read equal to expected/', () => {
    for (const e of entries.filter((x) => x.kind === 'rows')) {
      it(e.name, async () => {
        const t = await DeltaTable.open(goldenTable(e.name), session);
        const r = await compareWithParquet(session, t.snapshot, goldenExpected(e.name));
        expect(r.columns).toEqual(t.snapshot.schema.fields.map((f) => f.name));
        expect({ extra: r.extra, missing: r.missing }).toEqual({ extra: 0, missing: 0 });
      });
    }
  });

  describe('metadata tables give the right version and live files', () => {
    for (const e of entries.filter((x) => x.kind === 'metadata')) {
      it(e.name, async () => {
        const t = await DeltaTable.open(goldenTable(e.name), session);
        const want = METADATA[e.name];
        if (!want) {
          console.log(
            `no hand-written expectations for metadata table ${e.name}: only checking that it opens`,
          );
          return;
        }
        expect(t.snapshot.version).toBe(want.version);
        expect(t.snapshot.files.map((f) => decodeURIComponent(f.path)).sort()).toEqual(want.files);
        expect(t.snapshot.protocol.minReaderVersion).toBeGreaterThanOrEqual(1);
        want.check?.(t);
      });
    }
  });

  describe('error tables fail with a clear error', () => {
    for (const e of entries.filter((x) => x.kind === 'error')) {
      it(e.name, async () => {
        const err = await openError(goldenTable(e.name), session);
        const want = ERRORS[e.name];
        if (!want) {
          expect([
            ErrorCode.DeltaCorrupt,
            ErrorCode.DeltaUnsupported,
            ErrorCode.NotFound,
          ]).toContain(err.code);
          return;
        }
        expect(err.code).toBe(want.code);
        for (const m of want.message) expect(err.message).toMatch(m);
      });
    }
  });

  it('time travel by version replays older versions', async () => {
    const t = await DeltaTable.open(goldenTable('time-travel-start-start20-start40'), session);
    const counts = [];
    for (const v of [0, 1, 2]) {
      const [{ n }] = (await session.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM (${scanSql(await t.snapshotAt(v))})`,
      )) as [{ n: number }];
      counts.push(n);
    }
    expect(counts).toEqual([10, 20, 30]);
    // Older versions of a table equal the tables Spark wrote as those versions.
    const pairs: [string, number, string][] = [
      ['time-travel-start-start20-start40', 0, 'time-travel-start'],
      ['time-travel-start-start20-start40', 1, 'time-travel-start-start20'],
      ['time-travel-partition-changes-b', 0, 'time-travel-partition-changes-a'],
      ['time-travel-schema-changes-b', 0, 'time-travel-schema-changes-a'],
    ];
    for (const [name, version, expected] of pairs) {
      const snap = await (await DeltaTable.open(goldenTable(name), session)).snapshotAt(version);
      const r = await compareWithParquet(session, snap, goldenExpected(expected));
      expect({ name, version, extra: r.extra, missing: r.missing }).toEqual({
        name,
        version,
        extra: 0,
        missing: 0,
      });
    }
    await expect(t.snapshotAt(3)).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('time travel by timestamp uses monotonized commit file times', async () => {
    const root = await copyTable(
      goldenTable('time-travel-start-start20-start40'),
      path.join(tmp, 'tt'),
    );
    const start = 1540415658000;
    const min = 60_000;
    const commit = (v: number): string =>
      path.join(root, '_delta_log', `${String(v).padStart(20, '0')}.json`);
    const setTimes = async (times: number[]): Promise<void> => {
      for (const [v, ms] of times.entries()) await fs.utimes(commit(v), ms / 1000, ms / 1000);
    };
    // Kernel-Java DeltaTableReadsSuite cases (GoldenTables.scala: start, +20 min, +40 min).
    await setTimes([start, start + 20 * min, start + 40 * min]);
    const t = await DeltaTable.open(root, session);
    const at = async (ms: number): Promise<number> => (await t.snapshotAtTimestamp(ms)).version;
    expect(await at(start)).toBe(0);
    expect(await at(start + 10 * min)).toBe(0);
    expect(await at(start + 20 * min)).toBe(1);
    expect(await at(start + 40 * min)).toBe(2);
    // After the latest commit we answer the latest version (delta-rs / DuckDB semantics).
    expect(await at(start + 50 * min)).toBe(2);
    await expect(t.snapshotAtTimestamp(start - 1)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });

    // Out-of-order mtimes: version 1 appears older than version 0, so it becomes start + 1 ms.
    await setTimes([start, start - 5000, start + 5000]);
    expect(await t.commitTimestamps()).toEqual([
      { version: 0, timestamp: start },
      { version: 1, timestamp: start + 1 },
      { version: 2, timestamp: start + 5000 },
    ]);
    expect(await at(start)).toBe(0);
    expect(await at(start + 1)).toBe(1);
    expect(await at(start + 4999)).toBe(1);
    expect((await t.snapshotAt(1)).timestamp).toBe(start - 5000); // the raw mtime of the file
  });

  it('reads a checkpointed table with or without _last_checkpoint, and after early commits are gone', async () => {
    const name = 'basic-with-inserts-deletes-checkpoint';
    const expected = goldenExpected(name);
    const root = await copyTable(goldenTable(name), path.join(tmp, 'cp'));
    const check = async (): Promise<DeltaTable> => {
      const t = await DeltaTable.open(root, session);
      expect(t.snapshot.version).toBe(13);
      const r = await compareWithParquet(session, t.snapshot, expected);
      expect({ extra: r.extra, missing: r.missing }).toEqual({ extra: 0, missing: 0 });
      return t;
    };
    const withHint = await check();
    expect(withHint.snapshot.state.checkpointVersion).toBe(10);
    const log = path.join(root, '_delta_log');
    // A stale hint naming a checkpoint that does not exist falls back to listing.
    await fs.writeFile(
      path.join(log, '_last_checkpoint'),
      JSON.stringify({ version: 12, size: 9 }),
    );
    expect((await check()).snapshot.state.checkpointVersion).toBe(10);
    await fs.rm(path.join(log, '_last_checkpoint'));
    const listed = await check();
    expect(listed.snapshot.state.checkpointVersion).toBe(10);
    // The checkpoint's state equals the state replayed from JSON alone.
    const jsonOnly = await copyTable(goldenTable(name), path.join(tmp, 'json-only'));
    await fs.rm(path.join(jsonOnly, '_delta_log', '00000000000000000010.checkpoint.parquet'));
    await fs.rm(path.join(jsonOnly, '_delta_log', '_last_checkpoint'));
    const replayed = await DeltaTable.open(jsonOnly, session);
    expect(replayed.snapshot.state.checkpointVersion).toBe(-1);
    const paths = (t: DeltaTable): string[] => t.snapshot.files.map((f) => f.path).sort();
    expect(paths(replayed)).toEqual(paths(listed));
    // Commits below the checkpoint deleted (metadata cleanup): latest still reads, v5 is gone.
    const filesAt10 = (await listed.snapshotAt(10)).files.length;
    for (let v = 0; v < 10; v++) await fs.rm(path.join(log, `${String(v).padStart(20, '0')}.json`));
    const cleaned = await check();
    await expect(cleaned.snapshotAt(5)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect((await cleaned.snapshotAt(10)).files.length).toBe(filesAt10);
    expect((await cleaned.commitTimestamps()).map((c) => c.version)).toEqual([10, 11, 12, 13]);
  });

  it('ignores a multi-part checkpoint with a missing part', async () => {
    const name = 'multi-part-checkpoint';
    const root = await copyTable(goldenTable(name), path.join(tmp, 'multi'));
    const log = path.join(root, '_delta_log');
    await fs.rm(path.join(log, '00000000000000000001.checkpoint.0000000002.0000000002.parquet'));
    // The hint names both parts; one is gone, so the log is listed and replayed from JSON.
    const t = await DeltaTable.open(root, session);
    expect(t.snapshot.state.checkpointVersion).toBe(-1);
    const r = await compareWithParquet(session, t.snapshot, goldenExpected(name));
    expect({ extra: r.extra, missing: r.missing }).toEqual({ extra: 0, missing: 0 });
  });

  it('ignores temp files, .crc files and subfolders in _delta_log', async () => {
    const root = await copyTable(goldenTable('snapshot-data3'), path.join(tmp, 'stray'));
    const log = path.join(root, '_delta_log');
    const before = await DeltaTable.open(root, session);
    await fs.mkdir(path.join(log, '.tmp'));
    await fs.writeFile(path.join(log, '.tmp', '00000000000000000099.json'), '{"add":');
    await fs.mkdir(path.join(log, '00000000000000000098.json'));
    await fs.writeFile(path.join(log, `_commit_0a1b.json.tmp`), 'garbage');
    await fs.writeFile(path.join(log, '00000000000000000001.crc'), '{}');
    await fs.writeFile(
      path.join(log, '00000000000000000001.00000000000000000002.compacted.json'),
      'garbage',
    );
    const after = await DeltaTable.open(root, session);
    expect(after.snapshot.version).toBe(before.snapshot.version);
    expect(after.snapshot.files.length).toBe(before.snapshot.files.length);
  });

  it('projects columns and prunes partitions on equality', async () => {
    const t = await DeltaTable.open(goldenTable('data-reader-escaped-chars'), session);
    const snap = t.snapshot;
    const partitionColumn = snap.metadata.partitionColumns[0]!;
    const all = await session.all(`SELECT * FROM (${scanSql(snap)})`);
    for (const f of snap.files) {
      const value = f.partitionValues[partitionColumn] ?? null;
      const rows = await session.all(
        `SELECT * FROM (${scanSql(snap, { partitionEquals: { [partitionColumn]: value } })})`,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r[partitionColumn] === (value === '' ? null : value))).toBe(true);
      expect(rows.length).toBeLessThanOrEqual(all.length);
    }
    const cols = snap.schema.fields.map((f) => f.name).reverse();
    const projected = await session.all(`SELECT * FROM (${scanSql(snap, { columns: cols })})`);
    expect(Object.keys(projected[0]!)).toEqual(cols);
    const files = goldenExpected('data-reader-escaped-chars');
    const d = await multisetDiff(
      session,
      textRelation(snap, scanSql(snap)),
      textRelation(snap, `SELECT * FROM read_parquet(${stringList(files)})`),
    );
    expect(d).toEqual({ extra: 0, missing: 0 });
  });
});
