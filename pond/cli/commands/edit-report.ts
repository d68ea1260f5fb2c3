import type { EditResult } from '../../../shared/api.js';
import { printErr } from '../output.js';

/**
 * The warnings every edit command prints: factory nodes that read what it moved or removed, or
 * now read what it moved in or brought back (their configs are never rewritten), and those that
 * could not be checked.
 */
export function warnReaders(r: Pick<EditResult, 'readers' | 'unchecked'>): void {
  for (const x of r.readers) {
    if (x.lost.length > 0) {
      printErr(
        `warning: ${x.path} [${x.factory}] read ${x.lost.join(', ')}, which moved or left: its config is unchanged`,
      );
    }
    if (x.gained.length > 0) {
      printErr(`warning: ${x.path} [${x.factory}] now reads ${x.gained.join(', ')}`);
    }
  }
  for (const u of r.unchecked) {
    printErr(`warning: could not check what ${u.path} reads: ${u.reason}`);
  }
}
