/** pond/delta: a Delta Lake log library (protocol reader 1-3 / writer 2) on DuckDB. */

export type { Action, AddFile, AppTxn, Format, Metadata, Protocol, RemoveFile } from './actions.js';
export { parseAction, serializeAction } from './actions.js';
export type { CheckpointInfo } from './checkpoint-write.js';
export { checkpointRows } from './checkpoint-write.js';
export { readCheckpoint } from './checkpoint-read.js';
export type { CommitRequest } from './commit.js';
export { ENGINE_INFO } from './commit.js';
export type { CommitTimestamp } from './commit-timestamps.js';
export { absoluteDataPath, decodeDataPath, encodeDataPath } from './data-paths.js';
export type { CleanupOptions } from './log-cleanup.js';
export type { LogFileName } from './log-listing.js';
export { LOG_DIR, checkpointFileName, commitFileName, parseLogFileName } from './log-listing.js';
export { LAST_CHECKPOINT } from './last-checkpoint.js';
export { removedFiles } from './log-removes.js';
export { parseCommit } from './commit-file.js';
export type { OptimizeOptions, OptimizeResult } from './optimize.js';
export type { PartitionValue } from './partition-values.js';
export { parsePartitionValue } from './partition-values.js';
export { WRITE_PROTOCOL } from './protocol-support.js';
export type {
  ArrayType,
  DecimalType,
  DeltaType,
  MapType,
  PrimitiveType,
  StructField,
  StructType,
} from './schema.js';
export { duckdbType, parseSchema, serializeSchema, typeName } from './schema.js';
export type { ScanOptions } from './scan.js';
export { scanRows, scanSql } from './scan.js';
export { Snapshot } from './snapshot.js';
export type { FileStats } from './stats.js';
export { parseStats } from './stats.js';
export type { CreateTableOptions } from './table.js';
export { DeltaTable } from './table.js';
export type { VacuumOptions } from './vacuum.js';
export type { WriteOptions } from './write-files.js';
export type { JsRow } from './write-rows.js';
