import type { FileType } from './entry-type.js';

/**
 * The versions a reader of a file sees, oldest first. Data and tables: the latest. Series: the
 * union of every version since the last base version, so a restore (which appends copies of the
 * versions a series had at an earlier transaction, the first marked as base) brings back exactly
 * that union, while every version stays in history.
 */
export function liveVersions<T extends { base?: boolean }>(type: FileType, versions: T[]): T[] {
  if (versions.length === 0) return [];
  if (type !== 'series') return versions.slice(-1);
  let start = 0;
  for (let i = versions.length - 1; i > 0; i--) {
    if (versions[i]!.base) {
      start = i;
      break;
    }
  }
  return versions.slice(start);
}
