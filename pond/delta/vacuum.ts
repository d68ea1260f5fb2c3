import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { fileKey } from './data-paths.js';
import { removedFiles } from './log-removes.js';
import type { DeltaTable } from './table.js';
import { deletedFileRetentionMs } from './table-config.js';

/**
 * VACUUM: delete files under the table root that no live add and no remove newer than the
 * retention refers to, once they are older than the retention (Spark VacuumCommand): a file no
 * commit names (a writer's that never committed) goes only by its age, as in Spark. Anything under a `_`- or
 * `.`-prefixed name is never touched: `_delta_log`, `_large_files`, temp and staging files.
 */

export interface VacuumOptions {
  /**
   * Files younger than this, and tombstones newer than this, are kept. Default: the table's
   * delta.deletedFileRetentionDuration (1 week unless set), so every engine can still read the
   * versions of that week.
   */
  retentionMs?: number;
  /**
   * Which files (paths relative to the root, `/`-separated) and folders this caller's writers
   * make: nothing else is deleted or entered. Default: everything (Spark's VACUUM). A table whose
   * folder other programs share passes the exact name shapes of its own files.
   */
  owns?: (relativePath: string, isDirectory: boolean) => boolean;
  /** List what would be deleted without deleting it. */
  dryRun?: boolean;
  /** The clock, for tests (ms). */
  now?: number;
}

/** Returns the deleted (or, dry run, deletable) files as paths relative to the root. */
export async function vacuum(table: DeltaTable, o: VacuumOptions = {}): Promise<string[]> {
  if (o.retentionMs !== undefined && (!Number.isFinite(o.retentionMs) || o.retentionMs < 0)) {
    throw new PondError(ErrorCode.InvalidArgument, `vacuum retention must be a duration >= 0 ms`, {
      input: String(o.retentionMs),
    });
  }
  const snapshot = await table.refresh();
  table.checkWritable(snapshot);
  const now = o.now ?? Date.now();
  const cutoff = now - (o.retentionMs ?? deletedFileRetentionMs(snapshot.metadata));
  const owns = o.owns ?? (() => true);
  const keep = new Set<string>();
  for (const add of snapshot.files) keep.add(fileKey(table.root, add.path));
  // Every remove the log still holds, not only the checkpoint's tombstones: a retention longer
  // than delta.deletedFileRetentionDuration must keep what was retired within it.
  for (const [key, r] of await removedFiles(snapshot, cutoff)) {
    if ((r.deletionTimestamp ?? 0) > cutoff) keep.add(key);
  }
  const doomed: string[] = [];
  const dirs: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(table.root, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // removed under us
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('_') || e.name.startsWith('.')) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (!owns(child, e.isDirectory())) continue;
      if (e.isDirectory()) {
        dirs.push(child);
        await walk(child);
      } else if (e.isFile() && !keep.has(child)) {
        const stat = await fs.stat(path.join(table.root, child));
        if (stat.mtimeMs < cutoff) doomed.push(child);
      }
    }
  };
  await walk('');
  doomed.sort();
  if (o.dryRun) return doomed;
  for (const f of doomed) await fs.rm(path.join(table.root, f), { force: true });
  // Partition folders left empty go too, deepest first (rmdir fails on non-empty ones).
  for (const d of dirs.sort((a, b) => b.length - a.length)) {
    await fs.rmdir(path.join(table.root, d)).catch(() => undefined);
  }
  return doomed;
}
