import fs from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { Action, AddFile, RemoveFile } from './actions.js';
import { filesRelationSql } from './scan.js';
import type { DeltaTable } from './table.js';
import { targetFileSize } from './table-config.js';
import { writeFiles } from './write-files.js';

/**
 * Bin-packing compaction (OPTIMIZE): within each partition, small files are rewritten into files
 * of about the target size. The commit adds the new files and removes the old ones with
 * dataChange=false, so it only rearranges data: concurrent appends do not conflict with it.
 */

export interface OptimizeOptions {
  /** Bytes; files at least this big are left alone. Default delta.targetFileSize or 100 MiB. */
  targetFileSize?: number;
  /** A partition is compacted only if it has at least this many small files (default 2). */
  minFilesPerPartition?: number;
  /** Compact only partitions for which this returns true (values as in the log; null = null). */
  partitionFilter?: (partitionValues: Record<string, string | null>) => boolean;
  commitInfo?: Record<string, unknown>;
}

export interface OptimizeResult {
  /** The version of the optimize commit, undefined when there was nothing to compact. */
  version: number | undefined;
  filesRemoved: number;
  filesAdded: number;
}

export async function optimize(
  table: DeltaTable,
  o: OptimizeOptions = {},
): Promise<OptimizeResult> {
  const snapshot = await table.refresh();
  const target = o.targetFileSize ?? targetFileSize(snapshot.metadata);
  const minFiles = o.minFilesPerPartition ?? 2;
  if (!(target > 0) || !Number.isInteger(minFiles) || minFiles < 2) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `optimize needs targetFileSize > 0 and minFilesPerPartition >= 2`,
      {
        input: JSON.stringify({ target, minFiles }),
      },
    );
  }
  const partitionColumns = snapshot.metadata.partitionColumns;
  const groups = new Map<string, AddFile[]>();
  for (const add of snapshot.files) {
    if (add.size >= target) continue;
    const values = normalized(add, partitionColumns);
    if (o.partitionFilter && !o.partitionFilter(values)) continue;
    const key = JSON.stringify(partitionColumns.map((c) => values[c]));
    const group = groups.get(key);
    if (group) group.push(add);
    else groups.set(key, [add]);
  }
  const bins: AddFile[][] = [];
  for (const files of groups.values()) {
    if (files.length < minFiles) continue;
    // Oldest first, so compacted files keep the data in commit order.
    files.sort((a, b) => a.modificationTime - b.modificationTime || a.path.localeCompare(b.path));
    let bin: AddFile[] = [];
    let size = 0;
    for (const f of files) {
      bin.push(f);
      size += f.size;
      if (size >= target) {
        bins.push(bin);
        bin = [];
        size = 0;
      }
    }
    bins.push(bin);
  }
  const work = bins.filter((b) => b.length >= 2);
  if (work.length === 0) return { version: undefined, filesRemoved: 0, filesAdded: 0 };

  const now = Date.now();
  const actions: Action[] = [];
  const written: string[] = [];
  try {
    for (const bin of work) {
      const adds = await writeFiles(table.session, snapshot, filesRelationSql(snapshot, bin));
      for (const add of adds) {
        written.push(snapshot.filePath(add));
        actions.push({ add: { ...add, dataChange: false } });
      }
      for (const f of bin) actions.push({ remove: removeOf(f, now, partitionColumns) });
    }
    const { operation: _op, ...rest } = o.commitInfo ?? {};
    const version = await table.commit({
      actions,
      commitInfo: {
        operation: 'OPTIMIZE',
        operationParameters: { targetSize: String(target), predicate: '[]' },
        ...rest,
      },
      readVersion: snapshot.version,
      blindAppend: false,
    });
    const filesAdded = actions.filter((a) => 'add' in a).length;
    return { version, filesRemoved: actions.length - filesAdded, filesAdded };
  } catch (e) {
    await Promise.all(written.map((f) => fs.rm(f, { force: true })));
    throw e;
  }
}

function normalized(add: AddFile, columns: string[]): Record<string, string | null> {
  // "" and a missing value both mean null (PROTOCOL "Partition Value Serialization").
  return Object.fromEntries(columns.map((c) => [c, add.partitionValues[c] || null]));
}

/** A remove with the file's metadata, as Spark writes it (extendedFileMetadata). */
export function removeOf(
  add: AddFile,
  deletionTimestamp: number,
  partitionColumns: string[],
): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp,
    dataChange: false,
    extendedFileMetadata: true,
    partitionValues: Object.fromEntries(
      partitionColumns.map((c) => [c, add.partitionValues[c] ?? null]),
    ),
    size: add.size,
  };
}
