import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Delta log actions (PROTOCOL "Actions") and their validation. Every field that kernel-rs
 * declares non-optional is checked when an action is read, so a malformed log fails here with
 * the file and version instead of somewhere downstream.
 */

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Format {
  provider: string;
  options: Record<string, string>;
}

export interface Metadata {
  id: string;
  name?: string;
  description?: string;
  format: Format;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number;
}

export interface AddFile {
  /** As written in the log: a relative (or absolute) URI, percent-encoded. */
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** Per-file statistics as a JSON string (see stats.ts). */
  stats?: string;
  tags?: Record<string, string> | null;
  /** Present only in tables with deletion vectors, which we refuse to read. */
  deletionVector?: unknown;
}

export interface RemoveFile {
  path: string;
  deletionTimestamp?: number;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null>;
  size?: number;
}

export interface AppTxn {
  appId: string;
  version: number;
  lastUpdated?: number;
}

export type Action =
  | { add: AddFile }
  | { remove: RemoveFile }
  | { txn: AppTxn }
  | { metaData: Metadata }
  | { protocol: Protocol }
  | { commitInfo: Record<string, unknown> };

/** Where an action came from, for error messages: "_delta_log/...json (version 3)". */
export interface ActionSource {
  file: string;
  version: number;
}

type Obj = Record<string, unknown>;

/**
 * Validates one parsed action object (a line of a commit, or a row of a checkpoint).
 * Returns undefined for actions this library does not use (cdc, domainMetadata, ...): the
 * protocol says readers must ignore unknown actions.
 */
export function parseAction(json: unknown, src: ActionSource): Action | undefined {
  if (!isObj(json)) throw bad(src, `an action must be a JSON object`, json);
  if (json['add'] != null) return { add: parseAdd(json['add'], src) };
  if (json['remove'] != null) return { remove: parseRemove(json['remove'], src) };
  if (json['txn'] != null) return { txn: parseTxn(json['txn'], src) };
  if (json['metaData'] != null) return { metaData: parseMetadata(json['metaData'], src) };
  if (json['protocol'] != null) return { protocol: parseProtocol(json['protocol'], src) };
  if (json['commitInfo'] != null) {
    if (!isObj(json['commitInfo'])) throw bad(src, 'commitInfo must be an object', json);
    return { commitInfo: json['commitInfo'] };
  }
  return undefined;
}

export function parseAdd(v: unknown, src: ActionSource): AddFile {
  const o = obj(v, 'add', src);
  const add: AddFile = {
    path: str(o, 'path', 'add', src),
    partitionValues: stringMap(o['partitionValues'], 'add.partitionValues', src, true),
    size: num(o, 'size', 'add', src),
    modificationTime: num(o, 'modificationTime', 'add', src),
    dataChange: boolean(o, 'dataChange', 'add', src),
  };
  if (o['stats'] != null) add.stats = str(o, 'stats', 'add', src);
  if (o['tags'] != null)
    add.tags = stringMap(o['tags'], 'add.tags', src, false) as Record<string, string>;
  if (o['deletionVector'] != null) add.deletionVector = o['deletionVector'];
  return add;
}

export function parseRemove(v: unknown, src: ActionSource): RemoveFile {
  const o = obj(v, 'remove', src);
  const rm: RemoveFile = {
    path: str(o, 'path', 'remove', src),
    dataChange: boolean(o, 'dataChange', 'remove', src),
  };
  if (o['deletionTimestamp'] != null)
    rm.deletionTimestamp = num(o, 'deletionTimestamp', 'remove', src);
  if (o['extendedFileMetadata'] != null) {
    rm.extendedFileMetadata = boolean(o, 'extendedFileMetadata', 'remove', src);
  }
  if (o['partitionValues'] != null) {
    rm.partitionValues = stringMap(o['partitionValues'], 'remove.partitionValues', src, true);
  }
  if (o['size'] != null) rm.size = num(o, 'size', 'remove', src);
  return rm;
}

export function parseTxn(v: unknown, src: ActionSource): AppTxn {
  const o = obj(v, 'txn', src);
  const txn: AppTxn = {
    appId: str(o, 'appId', 'txn', src),
    version: num(o, 'version', 'txn', src),
  };
  if (o['lastUpdated'] != null) txn.lastUpdated = num(o, 'lastUpdated', 'txn', src);
  return txn;
}

export function parseMetadata(v: unknown, src: ActionSource): Metadata {
  const o = obj(v, 'metaData', src);
  const format = obj(o['format'], 'metaData.format', src);
  const partitionColumns = o['partitionColumns'];
  if (!Array.isArray(partitionColumns) || !partitionColumns.every((c) => typeof c === 'string')) {
    throw bad(src, 'metaData.partitionColumns must be an array of strings', o);
  }
  const md: Metadata = {
    id: str(o, 'id', 'metaData', src),
    format: {
      provider: str(format, 'provider', 'metaData.format', src),
      // kernel-rs requires options; older Spark logs omit it, which means no options.
      options: (format['options'] == null
        ? {}
        : stringMap(format['options'], 'metaData.format.options', src, false)) as Record<
        string,
        string
      >,
    },
    // Required by the protocol, but some old Spark test logs omit it; Snapshot.schema then
    // fails with a clear error instead of the whole log being unreadable.
    schemaString: o['schemaString'] == null ? '' : str(o, 'schemaString', 'metaData', src),
    partitionColumns: partitionColumns as string[],
    configuration: (o['configuration'] == null
      ? {}
      : stringMap(o['configuration'], 'metaData.configuration', src, false)) as Record<
      string,
      string
    >,
  };
  if (o['name'] != null) md.name = str(o, 'name', 'metaData', src);
  if (o['description'] != null) md.description = str(o, 'description', 'metaData', src);
  if (o['createdTime'] != null) md.createdTime = num(o, 'createdTime', 'metaData', src);
  return md;
}

export function parseProtocol(v: unknown, src: ActionSource): Protocol {
  const o = obj(v, 'protocol', src);
  const p: Protocol = {
    minReaderVersion: int(o, 'minReaderVersion', 'protocol', src),
    minWriterVersion: int(o, 'minWriterVersion', 'protocol', src),
  };
  for (const key of ['readerFeatures', 'writerFeatures'] as const) {
    const list = o[key];
    if (list == null) continue;
    if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) {
      throw bad(src, `protocol.${key} must be an array of strings`, o);
    }
    p[key] = list as string[];
  }
  return p;
}

/** One commit-file line. Keys are written in the protocol's order so logs diff cleanly. */
export function serializeAction(a: Action): string {
  if ('add' in a) {
    const x = a.add;
    return JSON.stringify({
      add: {
        path: x.path,
        partitionValues: x.partitionValues,
        size: x.size,
        modificationTime: x.modificationTime,
        dataChange: x.dataChange,
        ...(x.stats === undefined ? {} : { stats: x.stats }),
        ...(x.tags == null ? {} : { tags: x.tags }),
      },
    });
  }
  return JSON.stringify(a);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string, src: ActionSource): Obj {
  if (!isObj(v)) throw bad(src, `${what} must be an object`, v);
  return v;
}

function str(o: Obj, key: string, what: string, src: ActionSource): string {
  const v = o[key];
  if (typeof v !== 'string') throw bad(src, `${what}.${key} is missing or not a string`, o);
  return v;
}

function num(o: Obj, key: string, what: string, src: ActionSource): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw bad(src, `${what}.${key} is missing or not a number`, o);
  }
  return v;
}

function int(o: Obj, key: string, what: string, src: ActionSource): number {
  const v = num(o, key, what, src);
  if (!Number.isInteger(v)) throw bad(src, `${what}.${key} must be an integer`, o);
  return v;
}

function boolean(o: Obj, key: string, what: string, src: ActionSource): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw bad(src, `${what}.${key} is missing or not a boolean`, o);
  return v;
}

function stringMap(
  v: unknown,
  what: string,
  src: ActionSource,
  nullValues: boolean,
): Record<string, string | null> {
  if (!isObj(v)) throw bad(src, `${what} is missing or not an object`, v);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string' && !(nullValues && x === null)) {
      throw bad(src, `${what}['${k}'] must be a string${nullValues ? ' or null' : ''}`, v);
    }
  }
  return v as Record<string, string | null>;
}

function bad(src: ActionSource, message: string, input: unknown): PondError {
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `invalid action in ${src.file} (version ${src.version}): ${message}`,
    { input: truncate(JSON.stringify(input) ?? String(input)) },
  );
}

function truncate(s: string): string {
  return s.length > 500 ? `${s.slice(0, 500)}...` : s;
}
