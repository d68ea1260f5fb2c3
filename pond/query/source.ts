import { stat } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { DeltaTable, scanSql } from '../delta/index.js';
import type { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';
import { aType } from '../tinyfs/entry-type.js';
import { isFile, type FileNode } from '../tinyfs/node.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { csvChoicesFromParams } from './csv.js';
import { parsedCsv } from './csv-cache.js';
import { checkCsvRows, csvFileSql, openCsv } from './csv-file.js';
import { materialize } from './materialize.js';
import { nodeRelation, parquetRelation } from './node-relation.js';
import { checkParquetMagic } from './parquet-file.js';
import type { RelationOptions } from './queryable.js';
import { hostPath } from './host-path.js';
import { parseUrl, type PondUrl } from './url.js';

/** Where a read happens: an open pond (optional for host URLs) and the host folder `-d`. */
export interface SourceEnv {
  session: DuckSession;
  txn?: PondTxn;
  /** The pond's cache folder, for CSV or Parquet bytes stored inline that DuckDB must read from a file. */
  cacheDir?: string;
  /** Host paths resolve inside this folder (`-d`), like the original. */
  hostRoot?: string;
}

/** What a URL names: bytes (a data file read raw) or a relation DuckDB can query as `source`. */
export type Source =
  | { kind: 'bytes'; label: string; read: () => Promise<Uint8Array> }
  | {
      kind: 'relation';
      label: string;
      relation: string;
      entryType: 'table' | 'series';
      node?: FileNode;
      path?: string;
    };

export async function resolveSource(
  raw: string,
  env: SourceEnv,
  options: RelationOptions = {},
): Promise<Source> {
  const url = parseUrl(raw);
  return url.host ? hostSource(url, env) : pondSource(url, env, options);
}

async function hostSource(url: PondUrl, env: SourceEnv): Promise<Source> {
  const path = hostPath(url, env);
  if (url.format === 'delta') return deltaSource(url, path, env);
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') throw e;
    throw new PondError(ErrorCode.NotFound, `${url.raw}: ${path} does not exist`, {
      input: url.raw,
      cause: e,
    });
  });
  if (st.isDirectory()) {
    throw new PondError(ErrorCode.WrongType, `${url.raw}: ${path} is a folder, not a file`, {
      input: url.raw,
    });
  }
  if (url.format === 'csv') {
    return { kind: 'relation', label: url.raw, ...(await csvSource(url, env, { host: path })) };
  }
  if (url.entryType === 'table' || url.entryType === 'series') {
    await checkParquetMagic(path, url.raw);
    return {
      kind: 'relation',
      label: url.raw,
      relation: parquetRelation([path], false),
      entryType: url.entryType,
    };
  }
  const { readFile } = await import('node:fs/promises');
  return { kind: 'bytes', label: url.raw, read: () => readFile(path) };
}

async function deltaSource(url: PondUrl, path: string, env: SourceEnv): Promise<Source> {
  const table = await DeltaTable.open(path, env.session);
  const { version, timestamp } = url.params;
  let snapshot = table.snapshot;
  if (version !== undefined && timestamp !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${url.raw}: give version or timestamp, not both`,
      { input: url.raw },
    );
  }
  if (version !== undefined) {
    if (!/^\d+$/.test(version))
      throw new PondError(ErrorCode.InvalidArgument, `${url.raw}: version must be a number`, {
        input: url.raw,
      });
    snapshot = await table.snapshotAt(Number(version));
  } else if (timestamp !== undefined) {
    const ms = Date.parse(timestamp);
    if (Number.isNaN(ms))
      throw new PondError(ErrorCode.InvalidArgument, `${url.raw}: '${timestamp}' is not a time`, {
        input: url.raw,
      });
    snapshot = await table.snapshotAtTimestamp(ms);
  }
  return { kind: 'relation', label: url.raw, relation: scanSql(snapshot), entryType: 'table' };
}

async function pondSource(url: PondUrl, env: SourceEnv, options: RelationOptions): Promise<Source> {
  if (url.format === 'delta') {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${url.raw}: delta tables are read from the host (host+delta:///)`,
      { input: url.raw },
    );
  }
  if (!env.txn) {
    throw new PondError(
      ErrorCode.NotAPond,
      `${url.raw} is a pond path, but no pond is open (set --pond or $POND)`,
      { input: url.raw },
    );
  }
  const wd = await env.txn.wd();
  const found = await wd.get(url.path);
  const node = found.node;
  if (!isFile(node)) {
    throw new PondError(ErrorCode.WrongType, `'${found.path}' is ${aType(node.type)}, not a file`, {
      input: url.raw,
    });
  }
  if (url.format === 'csv') {
    if (node.type !== 'data') {
      throw new PondError(
        ErrorCode.WrongType,
        `${url.raw}: '${found.path}' is ${aType(node.type)}, not CSV data`,
        { input: url.raw },
      );
    }
    return {
      kind: 'relation',
      label: url.raw,
      ...(await csvSource(url, env, { node, path: found.path })),
      node,
      path: found.path,
    };
  }
  if (node.type === 'data') {
    if (url.entryType === 'table' || url.entryType === 'series') {
      // A cast: a data file holding Parquet read as a one-version table or series.
      const file = await materialize(node, found.path, env);
      await checkParquetMagic(file, url.raw);
      return {
        kind: 'relation',
        label: url.raw,
        relation: `SELECT * FROM read_parquet(${literal(file)})`,
        entryType: url.entryType,
        node,
        path: found.path,
      };
    }
    return { kind: 'bytes', label: url.raw, read: () => node.read() };
  }
  const relation = await nodeRelation(node, found.path, { txn: env.txn, expanding: [] }, options);
  return {
    kind: 'relation',
    label: url.raw,
    relation,
    entryType: node.type,
    node,
    path: found.path,
  };
}

/**
 * A CSV file read with the options of its URL (`?delimiter=;`, `+gzip`), strictly
 * (csv-file.ts). A host file is read in full first, so a bad row is refused with its line before
 * any output; a pond data file is parsed once per version into the cache (csv-cache.ts).
 */
async function csvSource(
  url: PondUrl,
  env: SourceEnv,
  file: { host: string } | { node: FileNode; path: string },
): Promise<{ relation: string; entryType: 'table' | 'series' }> {
  const choices = csvChoicesFromParams(url.params, url.raw);
  const compression = url.compression ?? 'none';
  const entryType = url.entryType === 'series' ? 'series' : 'table';
  if ('host' in file) {
    const csv = await openCsv(env.session, file.host, url.raw, compression, choices);
    await checkCsvRows(env.session, csv);
    return { relation: csvFileSql(csv), entryType };
  }
  if (!env.cacheDir) {
    throw new PondError(ErrorCode.Internal, `no cache folder to read '${file.path}' from`);
  }
  const parsed = await parsedCsv(
    { session: env.session, cacheDir: env.cacheDir },
    file.node,
    file.path,
    url.raw,
    { choices, compression },
  );
  return { relation: parquetRelation([parsed], false), entryType };
}
