import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';
import { syncDir, syncFile } from './durable-files.js';
import { readLastCheckpoint, writeLastCheckpoint } from './last-checkpoint.js';
import { checkpointFileName, logDir } from './log-listing.js';
import type { Snapshot } from './snapshot.js';

/**
 * Writing a classic single-file V1 checkpoint `%020d.checkpoint.parquet` (PROTOCOL "Checkpoints",
 * "Checkpoint Schema"): one row per protocol, metaData, txn, live add and unexpired remove, each in
 * its own struct column, with Spark's column layout (compare golden
 * basic-with-inserts-deletes-checkpoint). No commitInfo. DuckDB writes MAP as
 * `key_value{key REQUIRED, value OPTIONAL}` and LIST as `list/element`, as Spark does.
 */

const STRING_MAP = 'MAP(VARCHAR, VARCHAR)';
const DELETION_VECTOR =
  'STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT, maxRowIndex BIGINT)';

/** The checkpoint's columns in Spark's order, as DuckDB types. */
const CHECKPOINT_COLUMNS: [string, string][] = [
  ['txn', 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)'],
  [
    'add',
    `STRUCT(path VARCHAR, partitionValues ${STRING_MAP}, size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, ` +
      `tags ${STRING_MAP}, deletionVector ${DELETION_VECTOR}, baseRowId BIGINT, defaultRowCommitVersion BIGINT, stats VARCHAR)`,
  ],
  [
    'remove',
    `STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, ` +
      `partitionValues ${STRING_MAP}, size BIGINT, deletionVector ${DELETION_VECTOR}, baseRowId BIGINT, defaultRowCommitVersion BIGINT)`,
  ],
  [
    'metaData',
    `STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options ${STRING_MAP}), ` +
      `schemaString VARCHAR, partitionColumns VARCHAR[], configuration ${STRING_MAP}, createdTime BIGINT)`,
  ],
  [
    'protocol',
    'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  ],
  ['domainMetadata', 'STRUCT(domain VARCHAR, configuration VARCHAR, removed BOOLEAN)'],
];

export interface CheckpointInfo {
  version: number;
  /** Rows (actions) in the checkpoint. */
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

/** The checkpoint's rows as JSON objects, one action each. */
export async function checkpointRows(snapshot: Snapshot, now = Date.now()): Promise<object[]> {
  const { protocol, metadata } = snapshot;
  const rows: object[] = [
    // readerFeatures/writerFeatures stay null at (1,2), as the protocol requires.
    { protocol },
    { metaData: metadata },
  ];
  for (const txn of snapshot.state.txns.values()) rows.push({ txn });
  for (const add of snapshot.files) {
    rows.push({
      add: {
        path: add.path,
        partitionValues: add.partitionValues,
        size: add.size,
        modificationTime: add.modificationTime,
        dataChange: add.dataChange,
        tags: add.tags ?? null,
        stats: add.stats ?? null,
      },
    });
  }
  // Tombstones carry no stats or tags in checkpoints (PROTOCOL "Checkpoint Schema").
  for (const r of await snapshot.tombstonesAt(now)) {
    rows.push({
      remove: {
        path: r.path,
        deletionTimestamp: r.deletionTimestamp ?? null,
        dataChange: r.dataChange,
        extendedFileMetadata: r.extendedFileMetadata ?? null,
        partitionValues: r.partitionValues ?? null,
        size: r.size ?? null,
      },
    });
  }
  return rows;
}

/**
 * Writes the checkpoint of `snapshot` (temp file + rename: two writers of the same checkpoint
 * write the same content, so the last rename winning is harmless), then `_last_checkpoint` unless
 * it already points at a newer checkpoint.
 */
export async function writeCheckpoint(
  session: DuckSession,
  snapshot: Snapshot,
): Promise<CheckpointInfo> {
  const dir = logDir(snapshot.root);
  const rows = await checkpointRows(snapshot);
  // DuckDB parses newline-delimited JSON from a file much faster than one big JSON value. Both
  // temp files are in _delta_log, with names readers ignore and cleanup knows (never the system
  // temp folder, where a killed writer's would stay).
  const id = randomUUID();
  const input = path.join(dir, `_checkpoint_${id}.ndjson.tmp`);
  const tmp = path.join(dir, `_checkpoint_${id}.parquet.tmp`);
  const final = path.join(dir, checkpointFileName(snapshot.version));
  const columns = `{${CHECKPOINT_COLUMNS.map(([name, type]) => `${literal(name)}: ${literal(type)}`).join(', ')}}`;
  try {
    await fs.writeFile(input, rows.map((r) => JSON.stringify(r)).join('\n'));
    await session.run(
      `COPY (SELECT ${CHECKPOINT_COLUMNS.map(([name]) => `"${name}"`).join(', ')} ` +
        `FROM read_json(${literal(input)}, format = 'newline_delimited', columns = ${columns})) ` +
        `TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    // Durable before it is named: a power loss must not leave _last_checkpoint (or a reader
    // listing the log) pointing at a checkpoint whose bytes were only in the page cache.
    await syncFile(tmp);
    await fs.rename(tmp, final);
    await syncDir(dir);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  } finally {
    await fs.rm(input, { force: true });
  }
  const info: CheckpointInfo = {
    version: snapshot.version,
    size: rows.length,
    sizeInBytes: (await fs.stat(final)).size,
    numOfAddFiles: snapshot.files.length,
  };
  const hint = await readLastCheckpoint(snapshot.root);
  if (!hint || hint.version <= snapshot.version) await writeLastCheckpoint(snapshot.root, info);
  return info;
}
