import type { PrimitiveType, StructType } from '../delta/index.js';
import type { EntryType } from '../tinyfs/entry-type.js';

/**
 * One oplog row = one version of one node (DESIGN §3). The oplog is the pond's Delta table,
 * partitioned by part_id: a directory is its own partition, other nodes live in their parent's.
 */
export interface OplogRow {
  part_id: string;
  node_id: string;
  entry_type: EntryType;
  version: number;
  /** When the version was written, ms since the epoch. */
  timestamp: number;
  txn_seq: number;
  size: number | null;
  sha256: string | null;
  /** Inline bytes: small data, directory snapshots, symlink targets, factory configs. */
  content: Uint8Array | null;
  /** The blob's content hash when the bytes live under _large_files. */
  blob: string | null;
  /** Series event-time bounds, µs since the epoch. */
  min_event_time: number | null;
  max_event_time: number | null;
  timestamp_column: string | null;
  factory: string | null;
  /** Free-form JSON attributes. */
  attributes: string | null;
}

/** A row with the columns that identify it; everything optional starts out null. */
export function oplogRow(
  r: Pick<OplogRow, 'part_id' | 'node_id' | 'entry_type' | 'version' | 'timestamp' | 'txn_seq'> &
    Partial<OplogRow>,
): OplogRow {
  return {
    size: null,
    sha256: null,
    content: null,
    blob: null,
    min_event_time: null,
    max_event_time: null,
    timestamp_column: null,
    factory: null,
    attributes: null,
    ...r,
  };
}

/** Column name, Delta type, DuckDB type, nullable. The order is the table's column order. */
export const OPLOG_COLUMNS: readonly (readonly [keyof OplogRow, PrimitiveType, string, boolean])[] =
  [
    ['part_id', 'string', 'VARCHAR', false],
    ['node_id', 'string', 'VARCHAR', false],
    ['entry_type', 'string', 'VARCHAR', false],
    ['version', 'long', 'BIGINT', false],
    ['timestamp', 'timestamp', 'TIMESTAMPTZ', false],
    ['txn_seq', 'long', 'BIGINT', false],
    ['size', 'long', 'BIGINT', true],
    ['sha256', 'string', 'VARCHAR', true],
    ['content', 'binary', 'BLOB', true],
    ['blob', 'string', 'VARCHAR', true],
    ['min_event_time', 'timestamp', 'TIMESTAMPTZ', true],
    ['max_event_time', 'timestamp', 'TIMESTAMPTZ', true],
    ['timestamp_column', 'string', 'VARCHAR', true],
    ['factory', 'string', 'VARCHAR', true],
    ['attributes', 'string', 'VARCHAR', true],
  ];

export const PARTITION_COLUMN = 'part_id';

/** The oplog's Delta schema (a Spark StructType). */
export function oplogSchema(): StructType {
  return {
    type: 'struct',
    fields: OPLOG_COLUMNS.map(([name, type, , nullable]) => ({
      name,
      type,
      nullable,
      metadata: {},
    })),
  };
}

/**
 * The projection that reads oplog rows back from data files into JS-friendly values: numbers
 * as DOUBLE (exact for versions, sizes and µs timestamps), times as epoch ms / µs.
 */
export const ROW_PROJECTION = [
  'node_id',
  'entry_type',
  'version::DOUBLE AS version',
  'epoch_ms("timestamp")::DOUBLE AS "timestamp"',
  'txn_seq::DOUBLE AS txn_seq',
  'size::DOUBLE AS size',
  'sha256',
  'content',
  'blob',
  'epoch_us(min_event_time)::DOUBLE AS min_event_time',
  'epoch_us(max_event_time)::DOUBLE AS max_event_time',
  'timestamp_column',
  'factory',
  'attributes',
].join(', ');
