import { ErrorCode, PondError } from '../../shared/errors.js';
import type { OplogRow } from './oplog.js';
import { versionAttributes } from './version-attributes.js';

/**
 * A data file that grows (a mirrored log file) stores each new part as its own version that
 * continues the previous one: the row's `attributes` record `{"offset": N}` (version-attributes.ts),
 * the byte of the whole file where the part starts. Readers see the whole file: the parts from the last version
 * without an offset (a whole file) up to the version read. So a run that mirrors 1 KB of new log
 * stores 1 KB, not the whole log again.
 */

/** Where a version's bytes start in the whole file; undefined for a version that is whole. */
export function chunkOffset(row: OplogRow): number | undefined {
  return versionAttributes(row).offset;
}

/** The size of the whole file as of a version (its offset plus its own size). */
export function wholeSize(row: OplogRow): number {
  return (chunkOffset(row) ?? 0) + (row.size ?? 0);
}

/**
 * The rows whose bytes make up the whole file as of `rows[index]`, first part first. Each part
 * must start where the one before it ends; anything else is a damaged pond, not a guess.
 */
export function chunkChain(rows: OplogRow[], index: number, path: string): OplogRow[] {
  const chain: OplogRow[] = [];
  for (let i = index; i >= 0; i--) {
    const row = rows[i]!;
    chain.unshift(row);
    const offset = chunkOffset(row);
    if (offset === undefined) break;
    const before = rows[i - 1];
    if (!before || wholeSize(before) !== offset) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `'${path}' v${row.version} continues at byte ${offset}, but ${before ? `v${before.version} ends at byte ${wholeSize(before)}` : 'no version comes before it'}`,
        { input: path },
      );
    }
  }
  return chain;
}
