import fs from 'node:fs';
import path from 'node:path';
import { readSchema } from 'parquet-wasm';
import { expect } from 'vitest';
import type { DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import { readCheckpoint } from '../checkpoint-read.js';
import { readCommitRange } from '../commit-file.js';
import { listLog } from '../log-listing.js';
import { TableState } from '../replay.js';
import { DeltaTable, type Snapshot, parseSchema, parseStats, serializeSchema } from '../index.js';
import { STRING_PREFIX } from '../stats.js';
import { GOLDEN, haveFixtures } from './helpers.js';

/**
 * A structural check of every commit and checkpoint our writer produced, against what the
 * protocol and kernel-rs require (notes §3.2 (b) 4-6). Used by the writer tests.
 */

/** Spark's checkpoint layout (golden basic-with-inserts-deletes-checkpoint, v10): name, type, repetition, annotation. */
export const SPARK_CHECKPOINT_SCHEMA = `
txn GROUP OPTIONAL -|appId BYTE_ARRAY OPTIONAL UTF8|version INT64 OPTIONAL -|lastUpdated INT64 OPTIONAL -|
add GROUP OPTIONAL -|path BYTE_ARRAY OPTIONAL UTF8|partitionValues GROUP OPTIONAL MAP|key_value GROUP REPEATED -|
key BYTE_ARRAY REQUIRED UTF8|value BYTE_ARRAY OPTIONAL UTF8|size INT64 OPTIONAL -|modificationTime INT64 OPTIONAL -|
dataChange BOOLEAN OPTIONAL -|tags GROUP OPTIONAL MAP|key_value GROUP REPEATED -|key BYTE_ARRAY REQUIRED UTF8|
value BYTE_ARRAY OPTIONAL UTF8|deletionVector GROUP OPTIONAL -|storageType BYTE_ARRAY OPTIONAL UTF8|
pathOrInlineDv BYTE_ARRAY OPTIONAL UTF8|offset INT32 OPTIONAL -|sizeInBytes INT32 OPTIONAL -|cardinality INT64 OPTIONAL -|
maxRowIndex INT64 OPTIONAL -|baseRowId INT64 OPTIONAL -|defaultRowCommitVersion INT64 OPTIONAL -|stats BYTE_ARRAY OPTIONAL UTF8|
remove GROUP OPTIONAL -|path BYTE_ARRAY OPTIONAL UTF8|deletionTimestamp INT64 OPTIONAL -|dataChange BOOLEAN OPTIONAL -|
extendedFileMetadata BOOLEAN OPTIONAL -|partitionValues GROUP OPTIONAL MAP|key_value GROUP REPEATED -|
key BYTE_ARRAY REQUIRED UTF8|value BYTE_ARRAY OPTIONAL UTF8|size INT64 OPTIONAL -|deletionVector GROUP OPTIONAL -|
storageType BYTE_ARRAY OPTIONAL UTF8|pathOrInlineDv BYTE_ARRAY OPTIONAL UTF8|offset INT32 OPTIONAL -|
sizeInBytes INT32 OPTIONAL -|cardinality INT64 OPTIONAL -|maxRowIndex INT64 OPTIONAL -|baseRowId INT64 OPTIONAL -|
defaultRowCommitVersion INT64 OPTIONAL -|metaData GROUP OPTIONAL -|id BYTE_ARRAY OPTIONAL UTF8|name BYTE_ARRAY OPTIONAL UTF8|
description BYTE_ARRAY OPTIONAL UTF8|format GROUP OPTIONAL -|provider BYTE_ARRAY OPTIONAL UTF8|options GROUP OPTIONAL MAP|
key_value GROUP REPEATED -|key BYTE_ARRAY REQUIRED UTF8|value BYTE_ARRAY OPTIONAL UTF8|schemaString BYTE_ARRAY OPTIONAL UTF8|
partitionColumns GROUP OPTIONAL LIST|list GROUP REPEATED -|element BYTE_ARRAY OPTIONAL UTF8|configuration GROUP OPTIONAL MAP|
key_value GROUP REPEATED -|key BYTE_ARRAY REQUIRED UTF8|value BYTE_ARRAY OPTIONAL UTF8|createdTime INT64 OPTIONAL -|
protocol GROUP OPTIONAL -|minReaderVersion INT32 OPTIONAL -|minWriterVersion INT32 OPTIONAL -|readerFeatures GROUP OPTIONAL LIST|
list GROUP REPEATED -|element BYTE_ARRAY OPTIONAL UTF8|writerFeatures GROUP OPTIONAL LIST|list GROUP REPEATED -|
element BYTE_ARRAY OPTIONAL UTF8|domainMetadata GROUP OPTIONAL -|domain BYTE_ARRAY OPTIONAL UTF8|
configuration BYTE_ARRAY OPTIONAL UTF8|removed BOOLEAN OPTIONAL -`
  .replaceAll('\n', '')
  .split('|')
  .map((s) => s.trim());

/**
 * The Arrow schema that arrow-rs (the Parquet reader of delta-rs and kernel-rs, through
 * parquet-wasm) reads from a Parquet file, as IPC bytes, without the file's key-value metadata.
 */
export function arrowSchema(file: string): Buffer {
  const schema = readSchema(new Uint8Array(fs.readFileSync(file)));
  return Buffer.from(schema.withMetadata(new Map()).intoIPCStream());
}

const SPARK_CHECKPOINT = path.join(
  GOLDEN,
  'basic-with-inserts-deletes-checkpoint/basic-with-inserts-deletes-checkpoint/delta/_delta_log/00000000000000000010.checkpoint.parquet',
);

/** A Parquet file's schema as "name TYPE REPETITION ANNOTATION" lines, root excluded; INT_* annotations dropped. */
export async function parquetLayout(session: DuckSession, file: string): Promise<string[]> {
  const rows = await session.all<{
    name: string;
    type: string | null;
    repetition_type: string | null;
    converted_type: string | null;
  }>(`SELECT name, type, repetition_type, converted_type FROM parquet_schema(${literal(file)})`);
  return rows.slice(1).map((r) => {
    const ann =
      r.converted_type && ['MAP', 'LIST', 'UTF8'].includes(r.converted_type)
        ? r.converted_type
        : '-';
    return `${r.name} ${r.type ?? 'GROUP'} ${r.repetition_type} ${ann}`;
  });
}

type Json = Record<string, unknown>;

function expectKeys(o: Json, required: string[], where: string): void {
  for (const k of required) expect(o[k], `${where}: ${k}`).not.toBeUndefined();
}

/** Lints the whole table at `root`; returns the latest snapshot. */
export async function lintTable(session: DuckSession, root: string): Promise<Snapshot> {
  const listing = await listLog(root);
  const latest = (await DeltaTable.open(root, session)).snapshot;
  // After log cleanup the first metaData may be gone: start from the latest one.
  let partitionColumns: string[] = latest.metadata.partitionColumns;
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  for (const v of versions) {
    const file = path.join(root, '_delta_log', listing.commits.get(v)!);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n'), `${file} ends with a newline`).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    const count = (k: string): number => lines.filter((l) => k in l).length;
    expect(count('metaData'), `${file}: metaData`).toBeLessThanOrEqual(1);
    expect(count('protocol'), `${file}: protocol`).toBeLessThanOrEqual(1);
    expect(count('commitInfo'), `${file}: commitInfo`).toBe(1);
    const addPaths = new Set<string>();
    for (const line of lines) {
      expect(Object.keys(line), `${file}: one action per line`).toHaveLength(1);
      const [kind, a] = Object.entries(line)[0] as [string, Json];
      const where = `${file} ${kind}`;
      switch (kind) {
        case 'commitInfo':
          expectKeys(a, ['timestamp', 'operation', 'isBlindAppend', 'engineInfo'], where);
          expect(typeof a['timestamp']).toBe('number');
          break;
        case 'protocol':
          expect(a).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
          break;
        case 'metaData': {
          expectKeys(
            a,
            ['id', 'format', 'schemaString', 'partitionColumns', 'configuration'],
            where,
          );
          expect(a['format']).toEqual({ provider: 'parquet', options: {} });
          const schemaString = a['schemaString'] as string;
          expect(
            serializeSchema(parseSchema(schemaString)),
            `${where}: schemaString round-trips`,
          ).toBe(schemaString);
          partitionColumns = a['partitionColumns'] as string[];
          const names = parseSchema(schemaString).fields.map((f) => f.name);
          for (const c of partitionColumns) expect(names).toContain(c);
          for (const value of Object.values(a['configuration'] as Json))
            expect(typeof value).toBe('string');
          break;
        }
        case 'add': {
          expectKeys(
            a,
            ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange'],
            where,
          );
          expect(Number.isInteger(a['size'])).toBe(true);
          expect(Object.keys(a['partitionValues'] as Json).sort()).toEqual(
            [...partitionColumns].sort(),
          );
          expect(addPaths.has(a['path'] as string), `${where}: added once`).toBe(false);
          addPaths.add(a['path'] as string);
          const stats = JSON.parse(a['stats'] as string) as Json;
          expectKeys(
            stats,
            ['numRecords', 'minValues', 'maxValues', 'nullCount'],
            `${where} stats`,
          );
          break;
        }
        case 'remove':
          expectKeys(a, ['path', 'dataChange', 'deletionTimestamp'], where);
          break;
        case 'txn':
          expectKeys(a, ['appId', 'version'], where);
          break;
        default:
          throw new Error(`${where}: unexpected action`);
      }
    }
  }
  for (const add of latest.files) await lintDataFile(session, latest, add);
  for (const cp of listing.checkpoints)
    await lintCheckpoint(session, root, cp.version, cp.files, listing.commits);
  if (listing.checkpoints.length > 0) {
    const hint = JSON.parse(
      fs.readFileSync(path.join(root, '_delta_log', '_last_checkpoint'), 'utf8'),
    ) as Json;
    expect(hint['version']).toBe(listing.checkpoints.at(-1)!.version);
  }
  return latest;
}

/** A live data file: exact size, no partition columns, UTC timestamps, stats equal to DuckDB's. */
async function lintDataFile(
  session: DuckSession,
  snap: Snapshot,
  add: Snapshot['files'][number],
): Promise<void> {
  const file = snap.filePath(add);
  expect(fs.statSync(file).size, `${add.path}: size`).toBe(add.size);
  const schema = await session.all<{ name: string; logical_type: string | null }>(
    `SELECT name, logical_type FROM parquet_schema(${literal(file)})`,
  );
  const names = schema.map((s) => s.name);
  for (const c of snap.metadata.partitionColumns)
    expect(names, `${add.path}: ${c} left out`).not.toContain(c);
  for (const f of snap.schema.fields) {
    if (f.type !== 'timestamp' || !names.includes(f.name)) continue;
    const lt = schema.find((s) => s.name === f.name)!.logical_type ?? '';
    expect(lt, `${add.path}: ${f.name} is UTC-adjusted`).toContain('isAdjustedToUTC=1');
  }
  const stats = parseStats(add)!;
  const src = `read_parquet(${literal(file)})`;
  const [{ n }] = (await session.all<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM ${src}`,
  )) as [{ n: number }];
  expect(stats.numRecords).toBe(n);
  for (const f of snap.schema.fields) {
    if (snap.metadata.partitionColumns.includes(f.name)) continue;
    const c = ident(f.name);
    if (typeof f.type === 'string') {
      const [r] = await session.allJson<Json>(
        `SELECT (count(*) - count(${c}))::INTEGER AS nulls, min(${c}) AS lo, max(${c}) AS hi FROM ${src}`,
      );
      expect(stats.nullCount[f.name], `${add.path}: nullCount.${f.name}`).toBe(r!['nulls']);
      const lo = stats.minValues[f.name];
      const hi = stats.maxValues[f.name];
      if (lo === undefined && hi === undefined) continue;
      expect([
        'long',
        'integer',
        'short',
        'byte',
        'double',
        'float',
        'date',
        'timestamp',
        'string',
      ]).toContain(f.type);
      if (f.type === 'string') {
        const s = r!['lo'] as string;
        expect(lo).toBe([...s].slice(0, STRING_PREFIX).join(''));
        if (hi !== undefined) {
          const m = r!['hi'] as string;
          const short = [...m].length <= STRING_PREFIX;
          expect(hi).toBe(short ? m : [...m].slice(0, STRING_PREFIX).join('') + '\u{10FFFF}');
        }
      } else if (f.type === 'timestamp') {
        const ms = (x: unknown): number => new Date(String(x)).getTime();
        expect(ms(lo)).toBe(Math.floor(ms(String(r!['lo']).replace(' ', 'T').replace('+00', 'Z'))));
        expect(ms(hi)).toBe(Math.floor(ms(String(r!['hi']).replace(' ', 'T').replace('+00', 'Z'))));
      } else {
        expect(String(lo)).toBe(String(r!['lo']));
        expect(String(hi)).toBe(String(r!['hi']));
      }
    }
  }
}

/** A checkpoint: Spark's Parquet layout, no commitInfo, and the same state as replaying the JSON. */
async function lintCheckpoint(
  session: DuckSession,
  root: string,
  version: number,
  files: string[],
  commits: Map<number, string>,
): Promise<void> {
  const file = path.join(root, '_delta_log', files[0]!);
  expect(await parquetLayout(session, file)).toEqual(SPARK_CHECKPOINT_SCHEMA);
  // The same Arrow types as Spark's checkpoint, as delta-rs and kernel-rs will see them.
  if (haveFixtures)
    expect(arrowSchema(file).equals(arrowSchema(SPARK_CHECKPOINT)), `${file}: Arrow schema`).toBe(
      true,
    );
  const rows = await session.allJson<Json>(
    `SELECT to_json(protocol) AS p FROM read_parquet(${literal(file)}) WHERE protocol IS NOT NULL`,
  );
  expect(rows.map((r) => JSON.parse(r['p'] as string))).toEqual([
    { minReaderVersion: 1, minWriterVersion: 2, readerFeatures: null, writerFeatures: null },
  ]);
  // Replaying JSON needs every commit from 0; after log cleanup there is nothing to compare with.
  for (let v = 0; v <= version; v++) if (!commits.has(v)) return;
  const fromCheckpoint = new TableState(root);
  fromCheckpoint.applyCheckpoint(
    await readCheckpoint(root, { version, files }),
    version,
    files[0]!,
  );
  const fromJson = new TableState(root);
  for (const c of await readCommitRange(root, 0, version)) fromJson.apply(c.actions, c.version);
  const sorted = <T>(m: Map<string, T>): [string, T][] =>
    [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  expect(sorted(fromCheckpoint.files)).toEqual(sorted(fromJson.files));
  expect(sorted(fromCheckpoint.txns)).toEqual(sorted(fromJson.txns));
  expect(fromCheckpoint.protocol).toEqual(fromJson.protocol);
  expect(fromCheckpoint.metadata).toEqual(fromJson.metadata);
  // The checkpoint keeps the tombstones that were unexpired when it was written.
  for (const key of fromCheckpoint.removes.keys()) expect(fromJson.removes.has(key)).toBe(true);
}
