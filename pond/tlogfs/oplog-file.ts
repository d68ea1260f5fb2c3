import type { SchemaElement } from 'hyparquet';
import { openParquetRows, readParquetRows, topLevelColumns } from '../delta/parquet-rows.js';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import type { OplogRow } from './oplog.js';

/**
 * The rows of one oplog data file, read in JS (no DuckDB). Every column the rows need is checked
 * against the oplog's schema first (name, Parquet type, string or timestamp annotation), so a
 * file of another shape fails with its name instead of yielding rows read in another unit; a
 * NULL in a column that is never NULL fails too. Values are exact: versions, sizes and µs
 * timestamps are integers well inside a double's range, and `timestamp` is stored in whole ms.
 */

type Kind = 'string' | 'long' | 'timestamp' | 'binary';

/** The columns a data file stores (part_id lives in the path) and whether they may be NULL. */
const STORED: readonly (readonly [Exclude<keyof OplogRow, 'part_id'>, Kind, boolean])[] = [
  ['node_id', 'string', false],
  ['entry_type', 'string', false],
  ['version', 'long', false],
  ['timestamp', 'timestamp', false],
  ['txn_seq', 'long', false],
  ['size', 'long', true],
  ['sha256', 'string', true],
  ['content', 'binary', true],
  ['blob', 'string', true],
  ['min_event_time', 'timestamp', true],
  ['max_event_time', 'timestamp', true],
  ['timestamp_column', 'string', true],
  ['factory', 'string', true],
  ['attributes', 'string', true],
];

/** Every row of the data file at `path`, in file order, for partition `partId`. */
export async function readOplogFile(path: string, partId: string): Promise<OplogRow[]> {
  const raw = await readStored(path, STORED);
  return raw.map((r) => toRow(path, r, partId));
}

/** The blobs the rows of the data file at `path` name (a push sends them with the file). */
export async function readOplogBlobs(path: string): Promise<Set<string>> {
  const raw = await readStored(
    path,
    STORED.filter(([name]) => name === 'blob'),
  );
  const blobs = new Set<string>();
  for (const r of raw) if (r['blob'] !== null) blobs.add(r['blob'] as string);
  return blobs;
}

/** Some columns of a data file, each checked against the oplog's schema first. */
async function readStored(
  path: string,
  stored: readonly (readonly [string, Kind, boolean])[],
): Promise<Record<string, unknown>[]> {
  try {
    const file = await openParquetRows(path);
    const columns = topLevelColumns(file);
    for (const [name, kind] of stored) checkColumn(path, name, kind, columns.get(name));
    return await readParquetRows(
      file,
      stored.map(([name]) => name),
    );
  } catch (e) {
    if (e instanceof PondError) throw e;
    throw new PondError(ErrorCode.DeltaCorrupt, `cannot read oplog file ${path}: ${messageOf(e)}`, {
      input: path,
      cause: e,
    });
  }
}

function checkColumn(path: string, name: string, kind: Kind, e: SchemaElement | undefined): void {
  const found = e === undefined ? 'missing' : describe(e);
  const ok =
    e !== undefined &&
    e.num_children === undefined &&
    e.repetition_type !== 'REPEATED' &&
    found === kind;
  if (!ok) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `oplog file ${path}: column ${name} is ${found}, expected ${kind}`,
      { input: path },
    );
  }
}

/** The oplog kind a Parquet column holds, or its physical type when it is none of them. */
function describe(e: SchemaElement): string {
  const t = e.logical_type;
  if (e.type === 'BYTE_ARRAY') {
    if (e.converted_type === 'UTF8' || t?.type === 'STRING') return 'string';
    if (e.converted_type === undefined && t === undefined) return 'binary';
  }
  if (e.type === 'INT64') {
    if (t?.type === 'TIMESTAMP') return t.unit === 'MICROS' ? 'timestamp' : `timestamp(${t.unit})`;
    if (e.converted_type === 'TIMESTAMP_MICROS') return 'timestamp';
    if (e.converted_type === undefined || e.converted_type === 'INT_64') return 'long';
  }
  return `${e.type ?? 'group'}${e.converted_type ? `(${e.converted_type})` : ''}`;
}

function toRow(path: string, r: Record<string, unknown>, partId: string): OplogRow {
  const need = <T>(name: string, v: T | null | undefined): T => {
    if (v === null || v === undefined) {
      throw new PondError(ErrorCode.DeltaCorrupt, `oplog file ${path}: ${name} is NULL`, {
        input: path,
      });
    }
    return v;
  };
  const int = (v: unknown): number | null => (v === null ? null : Number(v as bigint));
  const content = r['content'] as Uint8Array | null;
  return {
    part_id: partId,
    node_id: need('node_id', r['node_id'] as string | null),
    entry_type: need('entry_type', r['entry_type'] as EntryType | null),
    version: need('version', int(r['version'])),
    timestamp: need('timestamp', msOf(r['timestamp'] as bigint | null)),
    txn_seq: need('txn_seq', int(r['txn_seq'])),
    size: int(r['size']),
    sha256: r['sha256'] as string | null,
    // A copy the size of the value, not a view that keeps the file's whole page alive.
    content: content === null ? null : content.slice(),
    blob: r['blob'] as string | null,
    min_event_time: int(r['min_event_time']),
    max_event_time: int(r['max_event_time']),
    timestamp_column: r['timestamp_column'] as string | null,
    factory: r['factory'] as string | null,
    attributes: r['attributes'] as string | null,
  };
}

/** µs to ms, rounded down as DuckDB's epoch_ms does. */
function msOf(us: bigint | null): number | null {
  if (us === null) return null;
  const q = us / 1000n;
  return Number(us % 1000n < 0n ? q - 1n : q);
}
