import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { DeltaTable, scanRows, scanSql } from '../index.js';
import { removeDir, tempDir } from './helpers.js';

/** Damaged logs fail with an error naming the file and version: never a silent partial read. */

const commit = (v: number): string => `${String(v).padStart(20, '0')}.json`;

async function failure(p: Promise<unknown>): Promise<PondError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PondError);
  return e as PondError;
}

describe('bad input', () => {
  let session: DuckSession;
  let tmp: string;
  let root: string;
  let log: string;

  beforeAll(async () => {
    session = await DuckSession.open({ threads: 2 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    session.close();
    await removeDir(tmp);
  });

  /** A table with 12 commits (checkpoint at 10) of one row each. */
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(tmp, 't-'));
    log = path.join(root, '_delta_log');
    const t = await DeltaTable.create(root, session, {
      schema: {
        type: 'struct',
        fields: [{ name: 'x', type: 'long', nullable: true, metadata: {} }],
      },
      partitionColumns: [],
    });
    for (let i = 1; i <= 12; i++) {
      const adds = await t.writeFiles(`SELECT ${i} AS x`);
      await t.commit({
        actions: adds.map((add) => ({ add })),
        readVersion: i - 1,
        blindAppend: true,
      });
    }
  });

  it('a truncated commit line names the file, version and line', async () => {
    const file = path.join(log, commit(12));
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length - 40));
    const e = await failure(DeltaTable.open(root, session));
    expect(e.code).toBe(ErrorCode.DeltaCorrupt);
    expect(e.message).toMatch(/00000000000000000012\.json \(version 12\) line 2/);
    expect(e.message).toMatch(/truncated/);
    // The listing path (no hint, no checkpoint) fails the same way.
    await fs.rm(path.join(log, '_last_checkpoint'));
    await fs.rm(path.join(log, '00000000000000000010.checkpoint.parquet'));
    const e2 = await failure(DeltaTable.open(root, session));
    expect(e2.message).toMatch(/version 12/);
  });

  it('an action missing a required field names the file and version', async () => {
    await fs.appendFile(
      path.join(log, commit(12)),
      '{"add":{"path":"x.parquet","partitionValues":{},"size":1}}\n',
    );
    const e = await failure(DeltaTable.open(root, session));
    expect(e.code).toBe(ErrorCode.DeltaCorrupt);
    expect(e.message).toMatch(/00000000000000000012\.json \(version 12\)/);
    expect(e.message).toMatch(/add\.modificationTime/);
  });

  it('an add pointing at a missing file fails the scan, naming the file and version', async () => {
    const t = await DeltaTable.open(root, session);
    const victim = t.snapshot.files.find((f) => t.snapshot.addedIn(f) === 11)!;
    await fs.rm(t.snapshot.filePath(victim));
    const e = await failure(scanRows(session, t.snapshot));
    expect(e.code).toBe(ErrorCode.DeltaCorrupt);
    expect(e.message).toContain(victim.path);
    expect(e.message).toMatch(/added in version 11/);
    // A file that came from the checkpoint says so.
    const old = t.snapshot.files.find((f) => t.snapshot.addedIn(f) === 10)!;
    await fs.rm(t.snapshot.filePath(old));
    const fresh = await DeltaTable.open(root, session);
    expect(() => scanSql(fresh.snapshot)).toThrow(/checkpoint of version 10/);
  });

  it('a truncated checkpoint names the file and version, with or without _last_checkpoint', async () => {
    const cp = path.join(log, '00000000000000000010.checkpoint.parquet');
    const bytes = await fs.readFile(cp);
    await fs.writeFile(cp, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const hint of [true, false]) {
      if (!hint) await fs.rm(path.join(log, '_last_checkpoint'));
      const e = await failure(DeltaTable.open(root, session));
      expect(e.code).toBe(ErrorCode.DeltaCorrupt);
      expect(e.message).toMatch(/00000000000000000010\.checkpoint\.parquet \(version 10\)/);
    }
  });

  it('a corrupt _last_checkpoint is only a hint: the log is listed instead', async () => {
    await fs.writeFile(path.join(log, '_last_checkpoint'), '{"version":');
    expect((await DeltaTable.open(root, session)).snapshot.version).toBe(12);
    await fs.writeFile(path.join(log, '_last_checkpoint'), '');
    expect((await DeltaTable.open(root, session)).snapshot.version).toBe(12);
    // A hint naming a checkpoint that does not exist: the log is listed.
    await fs.writeFile(
      path.join(log, '_last_checkpoint'),
      JSON.stringify({ version: 99, size: 3, parts: 2 }),
    );
    const t = await DeltaTable.open(root, session);
    expect(t.snapshot.version).toBe(12);
    expect((await scanRows(session, t.snapshot)).length).toBe(12);
  });

  it('a gap in the versions names the missing version', async () => {
    await fs.rm(path.join(log, '_last_checkpoint'));
    await fs.rm(path.join(log, commit(11)));
    const e = await failure(DeltaTable.open(root, session));
    expect(e.code).toBe(ErrorCode.DeltaCorrupt);
    expect(e.message).toMatch(/missing version 11/);
  });

  it('a table that needs a reader feature we lack is refused, naming the feature', async () => {
    const schemaString = JSON.stringify({
      type: 'struct',
      fields: [{ name: 't', type: 'timestamp_ntz', nullable: true, metadata: {} }],
    });
    const make = async (name: string, protocol: object): Promise<string> => {
      const dir = path.join(tmp, name);
      await fs.mkdir(path.join(dir, '_delta_log'), { recursive: true });
      const metaData = {
        id: 'x',
        format: { provider: 'parquet', options: {} },
        schemaString,
        partitionColumns: [],
        configuration: {},
      };
      await fs.writeFile(
        path.join(dir, '_delta_log', commit(0)),
        `${JSON.stringify({ protocol })}\n${JSON.stringify({ metaData })}\n`,
      );
      return dir;
    };
    const ntz = await make('ntz', {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['timestampNtz'],
      writerFeatures: ['timestampNtz'],
    });
    const e1 = await failure(DeltaTable.open(ntz, session));
    expect(e1.code).toBe(ErrorCode.DeltaUnsupported);
    expect(e1.message).toMatch(/reader feature timestampNtz/);
    const v2 = await make('v2', {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['v2Checkpoint', 'vacuumProtocolCheck'],
      writerFeatures: [],
    });
    expect((await failure(DeltaTable.open(v2, session))).message).toMatch(
      /reader feature v2Checkpoint,? which/,
    );
    // Without the feature in the protocol, the column type itself is refused by name.
    const bare = await make('bare', { minReaderVersion: 1, minWriterVersion: 2 });
    const e3 = await failure(DeltaTable.open(bare, session));
    expect(e3.code).toBe(ErrorCode.DeltaUnsupported);
    expect(e3.message).toMatch(/'t' has type 'timestamp_ntz'/);
  });

  it('a folder without a log, or with an empty one, is not a table', async () => {
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(path.join(empty, '_delta_log'), { recursive: true });
    expect((await failure(DeltaTable.open(empty, session))).code).toBe(ErrorCode.NotFound);
    expect((await failure(DeltaTable.open(path.join(tmp, 'nowhere'), session))).code).toBe(
      ErrorCode.NotFound,
    );
    expect((await failure(DeltaTable.open(root, session).then((t) => t.snapshotAt(13)))).code).toBe(
      ErrorCode.NotFound,
    );
  });
});
