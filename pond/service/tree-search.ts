import { ErrorCode, PondError } from '../../shared/errors.js';
import { matchWildcard } from '../tinyfs/glob.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { listDirectory, type ListedEntry } from './list.js';

/** The most entries one search reads before it gives up and asks for a narrower filter. */
export const SEARCH_BUDGET = 500_000;

/**
 * What a name filter finds below the root: per directory, the entries to show (matches, and
 * directories that hold a match at any depth), and the directories that are matches themselves
 * (their contents are shown whole).
 */
export interface TreeSearch {
  shown: Map<string, ListedEntry[]>;
  matchedDirs: Set<string>;
  matches: number;
}

/**
 * Walks the tree from `/` and keeps what a filtered tree shows. Symlinks are not followed (a
 * link to an ancestor would loop); a matched directory is not searched further. Reads at most
 * SEARCH_BUDGET entries, then refuses with a message naming the filter.
 */
export async function searchTree(
  txn: PondTxn,
  filter: string[],
  options: { all: boolean; budget?: number; raw: string },
): Promise<TreeSearch> {
  const budget = options.budget ?? SEARCH_BUDGET;
  const search: TreeSearch = { shown: new Map(), matchedDirs: new Set(), matches: 0 };
  let read = 0;

  const walk = async (path: string): Promise<boolean> => {
    const { entries } = await listDirectory(txn, path, { all: options.all });
    read += entries.length;
    if (read > budget) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `the filter '${options.raw}' looked at ${budget.toLocaleString('en-US')} entries without finishing: make it narrower`,
        { input: options.raw },
      );
    }
    const kept: ListedEntry[] = [];
    for (const e of entries) {
      const matched = matchWildcard(filter, e.name) !== undefined;
      if (matched) {
        search.matches++;
        if (e.type === 'directory') search.matchedDirs.add(e.path);
        kept.push(e);
      } else if (e.type === 'directory' && (await walk(e.path))) kept.push(e);
    }
    if (kept.length > 0) search.shown.set(path, kept);
    return kept.length > 0;
  };
  await walk('/');
  return search;
}

/** True when `path` is a matched directory or lies inside one (shown unfiltered). */
export function insideMatch(search: TreeSearch, path: string): boolean {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf('/')) || '/') {
    if (search.matchedDirs.has(p)) return true;
    if (p === '/') return false;
  }
}
