import path from 'node:path';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { stringList } from '../duckdb/sql.js';
import { type Action, type ActionSource, parseAction, parseAdd, parseRemove } from './actions.js';
import { type CheckpointRef, LOG_DIR, logDir } from './log-listing.js';

/**
 * Reads a classic or multi-part V1 checkpoint with DuckDB. Each row holds one action in its own
 * struct column (PROTOCOL "Checkpoints"); fields a writer left out read as absent.
 *
 * Opening a big table is mostly this read, so its shape is chosen for speed: one scan, and DuckDB
 * aggregates every row into one string, the fields of adds and removes separated by control
 * characters that cannot occur in a URI path or in JSON text, so Node converts one value instead of
 * thousands of nested structs. The few other actions come as JSON.
 */

const FIELD = '\u0001';
const ROW = '\u0002';
const NULL = '\u0003';

type Columns = Map<string, string>; // top-level column -> DuckDB type

/**
 * Which rows to read: everything, everything but the removes (opening a table: tombstones are
 * not needed to read it, and a long history can leave many), or only the removes.
 */
export type CheckpointPart = 'all' | 'state' | 'removes';

export async function readCheckpoint(
  session: DuckSession,
  root: string,
  ref: CheckpointRef,
  part: CheckpointPart = 'all',
): Promise<Action[]> {
  const files = ref.files.map((f) => path.join(logDir(root), f));
  const where = `${LOG_DIR}/${ref.files[0]}${ref.files.length > 1 ? ` (+${ref.files.length - 1} parts)` : ''}`;
  const src: ActionSource = { file: where, version: ref.version };
  const from = `read_parquet(${stringList(files)}, union_by_name = true, hive_partitioning = false)`;
  try {
    const described = await session.all<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM ${from}`,
    );
    const columns: Columns = new Map(described.map((d) => [d.column_name, d.column_type]));
    // Only the actions replay uses: reading fewer of the checkpoint's ~80 leaf columns is faster.
    const others = ['txn', 'metaData', 'protocol'].filter((c) => columns.has(c));
    // One scan: each row becomes 'a' + add fields, 'r' + remove fields, or 'o' + the other actions as JSON.
    const cases = (['add', 'remove'] as const)
      .filter((c) => columns.has(c))
      .map((c) => `WHEN "${c}" IS NOT NULL THEN '${c[0]}' || ${fieldsText(c, columns.get(c)!)}`);
    const otherJson =
      others.length === 0
        ? `'{}'`
        : `to_json(struct_pack(${others.map((c) => `"${c}" := "${c}"`).join(', ')}))::VARCHAR`;
    const where =
      part === 'all'
        ? ''
        : !columns.has('remove')
          ? part === 'removes'
            ? ' WHERE false'
            : ''
          : part === 'state'
            ? ' WHERE "remove" IS NULL'
            : ' WHERE "remove" IS NOT NULL';
    const [row] = await session.all<{ j: string | null }>(
      `SELECT string_agg(CASE ${cases.join(' ')} ELSE 'o' || ${otherJson} END, chr(2)) AS j FROM ${from}${where}`,
    );
    const actions: Action[] = [];
    for (const text of split(row!.j)) {
      const body = text.slice(1);
      if (text[0] === 'a') actions.push({ add: parseAdd(addObject(body, src), src) });
      else if (text[0] === 'r') actions.push({ remove: parseRemove(removeObject(body, src), src) });
      else {
        const a = parseAction(JSON.parse(body), src);
        // Checkpoints carry no provenance (PROTOCOL "Checkpoints"); ignore one if a writer kept it.
        if (a && !('commitInfo' in a)) actions.push(a);
      }
    }
    return actions;
  } catch (e) {
    if (e instanceof PondError && e.code === ErrorCode.DeltaCorrupt) throw e;
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `checkpoint ${where} (version ${ref.version}) cannot be read: ${messageOf(e)}`,
      {
        input: files[0],
        cause: e,
      },
    );
  }
}

function split(text: string | null): string[] {
  return text === null || text === '' ? [] : text.split(ROW);
}

/** Names of a STRUCT type's fields, from DuckDB's type text: STRUCT(path VARCHAR, "size" BIGINT, ...). */
function structFields(type: string): Set<string> {
  const names = new Set<string>();
  let depth = 0;
  let start = type.indexOf('(') + 1;
  for (let i = start; i < type.length; i++) {
    const ch = type[i];
    if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) {
      names.add(fieldName(type.slice(start, i)));
      break;
    } else if (ch === ',' && depth === 0) {
      names.add(fieldName(type.slice(start, i)));
      start = i + 1;
    }
  }
  return names;
}

function fieldName(decl: string): string {
  const d = decl.trim();
  return d.startsWith('"') ? d.slice(1, d.indexOf('"', 1)) : d.slice(0, d.indexOf(' '));
}

/** The order of the fields in a row of the add / remove strings. */
const ADD_FIELDS = [
  'path',
  'partitionValues',
  'size',
  'modificationTime',
  'dataChange',
  'stats',
  'tags',
  'deletionVector',
];
const REMOVE_FIELDS = [
  'path',
  'deletionTimestamp',
  'dataChange',
  'extendedFileMetadata',
  'partitionValues',
  'size',
];
const JSON_FIELDS = new Set(['partitionValues', 'tags', 'deletionVector']);

/** The fields of an add / remove struct joined by FIELD, with NULL for absent values. */
function fieldsText(column: 'add' | 'remove', type: string): string {
  const present = structFields(type);
  const fields = column === 'add' ? ADD_FIELDS : REMOVE_FIELDS;
  const parts = fields.map((f) => {
    if (!present.has(f)) return 'chr(3)';
    const value = `"${column}"."${f}"`;
    return `coalesce(${JSON_FIELDS.has(f) ? `to_json(${value})::VARCHAR` : `${value}::VARCHAR`}, chr(3))`;
  });
  return `concat(${parts.join(', chr(1), ')})`;
}

function fieldsOf(text: string, names: string[], src: ActionSource): Record<string, unknown> {
  const values = text.split(FIELD);
  if (values.length !== names.length) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `invalid action in ${src.file} (version ${src.version}): a file path contains control characters`,
      { input: text.slice(0, 200) },
    );
  }
  const o: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const v = values[i]!;
    if (v !== NULL) o[n] = JSON_FIELDS.has(n) ? JSON.parse(v) : v;
  }
  return o;
}

// DuckDB gave numbers and booleans as text; anything else fails validation in parseAdd/parseRemove.
const num = (v: unknown): unknown => (typeof v === 'string' && v !== '' ? Number(v) : v);
const bool = (v: unknown): unknown => (v === 'true' ? true : v === 'false' ? false : v);

function addObject(text: string, src: ActionSource): Record<string, unknown> {
  const o = fieldsOf(text, ADD_FIELDS, src);
  o['size'] = num(o['size']);
  o['modificationTime'] = num(o['modificationTime']);
  o['dataChange'] = bool(o['dataChange']);
  return o;
}

function removeObject(text: string, src: ActionSource): Record<string, unknown> {
  const o = fieldsOf(text, REMOVE_FIELDS, src);
  for (const k of ['deletionTimestamp', 'size']) if (k in o) o[k] = num(o[k]);
  for (const k of ['dataChange', 'extendedFileMetadata']) if (k in o) o[k] = bool(o[k]);
  return o;
}
