import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { commitTimestamps } from './commit-timestamps.js';
import { listLog, logDir } from './log-listing.js';
import { logRetentionMs } from './table-config.js';
import type { DeltaTable } from './table.js';

/**
 * Metadata cleanup (PROTOCOL "Metadata Cleanup"): find the newest commit older than the retention
 * (the cutoff commit), then the newest checkpoint at or below it; delete every commit, checkpoint,
 * checksum and compacted log below that checkpoint. Time travel then reaches back to that
 * checkpoint, and never further.
 */

export interface CleanupOptions {
  /** Default: the table's delta.logRetentionDuration (30 days unless set). */
  retentionMs?: number;
  now?: number;
  /**
   * Which log files (names in `_delta_log`) this caller's writers make: no other file is deleted.
   * Default: every versioned log file (commits, checkpoints, checksums, compacted logs).
   */
  owns?: (name: string) => boolean;
}

const VERSIONED =
  /^(\d{20})\.(json|crc|checkpoint\.parquet|checkpoint\.\d{10}\.\d{10}\.parquet|\d{20}\.compacted\.json)$/;

/** Returns the versions whose commit files were deleted. */
export async function cleanupLog(table: DeltaTable, o: CleanupOptions): Promise<number[]> {
  if (o.retentionMs !== undefined && (!Number.isFinite(o.retentionMs) || o.retentionMs < 0)) {
    throw new PondError(ErrorCode.InvalidArgument, `log retention must be a duration >= 0 ms`, {
      input: String(o.retentionMs),
    });
  }
  const snapshot = await table.refresh();
  table.checkWritable(snapshot);
  const cutoff = (o.now ?? Date.now()) - (o.retentionMs ?? logRetentionMs(snapshot.metadata));
  const listing = await listLog(table.root);
  const times = await commitTimestamps(table.root, listing);
  const cutoffCommit = times.filter((t) => t.timestamp <= cutoff).at(-1);
  if (!cutoffCommit) return [];
  const keepFrom = listing.checkpoints
    .filter((c) => c.version <= cutoffCommit.version)
    .at(-1)?.version;
  if (keepFrom === undefined) return [];

  const dir = logDir(table.root);
  const doomed: { version: number; name: string }[] = [];
  for (const name of await fs.readdir(dir)) {
    const m = VERSIONED.exec(name);
    if (m && Number(m[1]) < keepFrom && (o.owns?.(name) ?? true))
      doomed.push({ version: Number(m[1]), name });
  }
  // Oldest first: a reader listing meanwhile sees a shorter log, never one with a hole.
  doomed.sort((a, b) => a.version - b.version);
  for (const d of doomed) await fs.rm(path.join(dir, d.name), { force: true });
  return [
    ...new Set(
      doomed
        .filter((d) => d.name.endsWith('.json') && !d.name.includes('compacted'))
        .map((d) => d.version),
    ),
  ];
}
