import { rm } from 'node:fs/promises';
import { fsck, type FsckOrphan } from './fsck.js';
import type { Pond } from './pond.js';
import { isOplogPath, isOwnLogFile } from './pond-files.js';

export interface MaintainOptions {
  /** Bin-pack each partition's small oplog files into one (default true). */
  compact?: boolean;
  /**
   * Keep oplog files removed from the table (by compaction) this long, so other engines can
   * still read the versions that used them, and oplog files no commit names (a killed writer's)
   * until they are this old. Default: the table's delta.deletedFileRetentionDuration (7 days
   * unless set).
   */
  vacuumRetentionMs?: number;
  /**
   * Delete commit files older than this below the newest checkpoint older than this. Default: the
   * table's delta.logRetentionDuration (30 days unless set).
   */
  logRetentionMs?: number;
}

export interface MaintainReport {
  compactedVersion: number | undefined;
  filesRemoved: number;
  filesAdded: number;
  checkpointVersion: number;
  /** Oplog files removed by the vacuum: retired ones, and ones no commit names, older than the retention. */
  vacuumed: string[];
  orphanBlobsRemoved: string[];
  tempFilesRemoved: string[];
  stagingRemoved: string[];
  /** Set when fsck found damage: then nothing but the vacuum was removed (see below). */
  damaged: number;
  /** Files the pond did not write, left alone. */
  foreign: number;
  logVersionsRemoved: number[];
}

/**
 * `pond maintain`: compact, checkpoint, vacuum, and remove orphans, all under the write lock so
 * no transaction is half-way. Only the pond's own files are removed (pond-files.ts): oplog files
 * retired longer ago than the vacuum retention and oplog files no commit names that are older
 * than it (as Delta's VACUUM does, by their age: the vacuum), and the other leftovers fsck names
 * (unreferenced blobs, temp files, dead writers' staging folders). Foreign files are never
 * touched. On a damaged pond, orphans stay: they may be what a repair needs.
 *
 * Time travel in the pond is unaffected: a pond read as of transaction N filters oplog rows by
 * transaction number, compaction keeps every row, and referenced blobs are never removed.
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
    const vacuumed = await table.vacuum({
      ...(options.vacuumRetentionMs === undefined
        ? {}
        : { retentionMs: options.vacuumRetentionMs }),
      owns: isOplogPath,
    });
    const report = await fsck(pond);
    const removed = new Map<FsckOrphan['kind'], string[]>([
      ['blob', []],
      ['temp-file', []],
      ['staging', []],
    ]);
    if (report.problems.length === 0) {
      for (const o of report.orphans) {
        // Oplog files are the vacuum's: it removed those older than the retention.
        if (o.kind === 'data-file') continue;
        await rm(o.path, { recursive: o.kind === 'staging', force: true });
        removed.get(o.kind)!.push(o.path);
      }
    }
    const logVersionsRemoved = await table.cleanupLog({
      ...(options.logRetentionMs === undefined ? {} : { retentionMs: options.logRetentionMs }),
      owns: isOwnLogFile,
    });
    return {
      compactedVersion,
      filesRemoved,
      filesAdded,
      checkpointVersion,
      vacuumed,
      orphanBlobsRemoved: removed.get('blob')!,
      tempFilesRemoved: removed.get('temp-file')!,
      stagingRemoved: removed.get('staging')!,
      damaged: report.problems.length,
      foreign: report.foreign.length,
      logVersionsRemoved,
    };
  });
}
