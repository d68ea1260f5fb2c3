import { rm } from 'node:fs/promises';
import { fsck } from './fsck.js';
import type { Pond } from './pond.js';

export interface MaintainOptions {
  /** Bin-pack each partition's small oplog files into one (default true). */
  compact?: boolean;
  /** Delete data files no live snapshot needs once they are this old (default 0: at once). */
  vacuumRetentionMs?: number;
  /** Delete commit files older than this below the newest checkpoint (default 30 days). */
  logRetentionMs?: number;
}

export interface MaintainReport {
  compactedVersion: number | undefined;
  filesRemoved: number;
  filesAdded: number;
  checkpointVersion: number;
  vacuumed: string[];
  orphanBlobsRemoved: string[];
  tempFilesRemoved: string[];
  logVersionsRemoved: number[];
}

const DAY = 24 * 3600 * 1000;

/**
 * `pond maintain`: compact, checkpoint, vacuum, and remove orphans, all under the write lock so
 * no transaction is half-way. Time travel is unaffected: a pond read as of transaction N filters
 * oplog rows by transaction number, and compaction keeps every row.
 */
export async function maintain(pond: Pond, options: MaintainOptions = {}): Promise<MaintainReport> {
  return pond.withWriteLock(['maintain'], async () => {
    const table = pond.delta;
    let compactedVersion: number | undefined;
    let filesRemoved = 0;
    let filesAdded = 0;
    if (options.compact ?? true) {
      const r = await table.optimize({
        minFilesPerPartition: 2,
        commitInfo: {
          pond: {
            txn_seq: table.snapshot.version + 1,
            command: ['maintain'],
            changes: [],
            changes_total: 0,
          },
        },
      });
      compactedVersion = r.version;
      filesRemoved = r.filesRemoved;
      filesAdded = r.filesAdded;
    }
    await table.checkpoint();
    const checkpointVersion = table.snapshot.version;
    const vacuumed = await table.vacuum({ retentionMs: options.vacuumRetentionMs ?? 0 });
    const report = await fsck(pond);
    const orphanBlobsRemoved: string[] = [];
    const tempFilesRemoved: string[] = [];
    for (const o of report.orphans) {
      if (o.kind === 'blob') orphanBlobsRemoved.push(o.path);
      else if (o.kind === 'temp-file') tempFilesRemoved.push(o.path);
      else continue;
      await rm(o.path, { force: true });
    }
    const logVersionsRemoved = await table.cleanupLog({
      retentionMs: options.logRetentionMs ?? 30 * DAY,
    });
    return {
      compactedVersion,
      filesRemoved,
      filesAdded,
      checkpointVersion,
      vacuumed,
      orphanBlobsRemoved,
      tempFilesRemoved,
      logVersionsRemoved,
    };
  });
}
