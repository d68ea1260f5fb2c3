import type { RemoveFile } from './actions.js';
import { readCommitFile } from './commit-file.js';
import { commitTimestamps } from './commit-timestamps.js';
import { fileKey } from './data-paths.js';
import type { Snapshot } from './snapshot.js';

/**
 * Every file the log still records as removed from the table, by key (path relative to the root):
 * the snapshot's tombstones, and the removes of older commits that its checkpoint no longer carries
 * (a checkpoint keeps tombstones only for delta.deletedFileRetentionDuration, but the commits stay
 * for delta.logRetentionDuration). Without these, a file retired longer ago than the tombstone
 * retention would look like one no commit ever named. Only commits made after `sinceMs` are read
 * (a remove is never newer than its commit). A file added again later is live, not removed.
 */
export async function removedFiles(
  snapshot: Snapshot,
  sinceMs = -Infinity,
): Promise<Map<string, RemoveFile>> {
  const out = new Map<string, RemoveFile>();
  const times = await commitTimestamps(snapshot.root);
  // Commits up to the snapshot, oldest first, so a later action about the same file wins.
  const versions = times
    .filter((t) => t.version <= snapshot.version && t.timestamp > sinceMs)
    .map((t) => t.version);
  for (let i = 0; i < versions.length; i += 16) {
    const batch = await Promise.all(
      versions.slice(i, i + 16).map((v) => readCommitFile(snapshot.root, v)),
    );
    for (const c of batch) {
      for (const a of c?.actions ?? []) {
        if ('remove' in a) out.set(fileKey(snapshot.root, a.remove.path), a.remove);
        else if ('add' in a) out.delete(fileKey(snapshot.root, a.add.path));
      }
    }
  }
  for (const [key, r] of await snapshot.state.allRemoves()) out.set(key, r);
  const live = new Set(snapshot.files.map((f) => fileKey(snapshot.root, f.path)));
  for (const key of [...out.keys()]) if (live.has(key)) out.delete(key);
  return out;
}
