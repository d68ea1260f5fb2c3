import type { FileType } from './entry-type.js';

/**
 * The versions a reader of a file sees, oldest first. Tables: the latest. Data: the latest, and
 * for data that grows the parts it continues (back to the last version that is whole). Series:
 * the union of every version since the last base version, so a restore (which appends copies of
 * the versions a series had at an earlier transaction, the first marked as base) brings back
 * exactly that union, while every version stays in history.
 */
export function liveVersions<T extends { base?: boolean; offset?: number }>(
  type: FileType,
  versions: T[],
): T[] {
  if (versions.length === 0) return [];
  if (type === 'data') {
    let start = versions.length - 1;
    while (start > 0 && versions[start]!.offset !== undefined) start--;
    return versions.slice(start);
  }
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
