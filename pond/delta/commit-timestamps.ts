import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { missingVersion } from './commit-file.js';
import { type LogListing, listLog, logDir } from './log-listing.js';

/**
 * Commit timestamps for time travel by time. Without in-commit timestamps a version's time is its
 * commit file's modification time, monotonized: a time not after the previous one becomes the
 * previous + 1 ms (Spark DeltaHistoryManager; the mtimes of files copied or touched by hand need
 * not increase).
 */

export interface CommitTimestamp {
  version: number;
  timestamp: number;
}

/** Timestamps of the versions that can still be read: from the oldest checkpoint or version 0. */
export async function commitTimestamps(
  root: string,
  listing?: LogListing,
): Promise<CommitTimestamp[]> {
  const log = listing ?? (await listLog(root));
  const versions = [...log.commits.keys()].sort((a, b) => a - b);
  // After log cleanup the oldest commits are gone; reading starts at the oldest checkpoint.
  const earliest = log.commits.has(0) ? 0 : (log.checkpoints[0]?.version ?? versions[0] ?? 0);
  const readable: number[] = [];
  for (const v of versions) {
    if (v < earliest) continue;
    if (readable.length > 0 && v !== readable.at(-1)! + 1)
      throw missingVersion(root, readable.at(-1)! + 1);
    readable.push(v);
  }
  const dir = logDir(root);
  const mtimes = await Promise.all(
    readable.map(async (v) =>
      Math.floor((await fs.stat(path.join(dir, log.commits.get(v)!))).mtimeMs),
    ),
  );
  const out: CommitTimestamp[] = [];
  for (let i = 0; i < readable.length; i++) {
    const prev = out.at(-1)?.timestamp;
    const t = mtimes[i]!;
    out.push({ version: readable[i]!, timestamp: prev !== undefined && t <= prev ? prev + 1 : t });
  }
  return out;
}

/**
 * The last version committed at or before `ms`. Before the first readable commit is an error;
 * after the latest it is the latest version (as delta-rs and DuckDB's delta_scan do; Spark refuses).
 */
export function versionAtTimestamp(
  root: string,
  timestamps: CommitTimestamp[],
  ms: number,
): number {
  let found: CommitTimestamp | undefined;
  let lo = 0;
  let hi = timestamps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid]!.timestamp <= ms) {
      found = timestamps[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (!found) {
    const first = timestamps[0];
    throw new PondError(
      ErrorCode.NotFound,
      first
        ? `${root} has no version at ${new Date(ms).toISOString()}: its first readable version (${first.version}) ` +
            `was committed at ${new Date(first.timestamp).toISOString()}`
        : `${root} has no commits`,
      { input: String(ms) },
    );
  }
  return found.version;
}
