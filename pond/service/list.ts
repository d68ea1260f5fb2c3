import { ErrorCode, PondError } from '../../shared/errors.js';
import { aType, type EntryType } from '../tinyfs/entry-type.js';
import { literalBase, matchWildcard, parseGlob } from '../tinyfs/glob.js';
import { isDirectory, isSymlink, type DirEntry } from '../tinyfs/node.js';
import { joinPath } from '../tinyfs/path.js';
import { nothingMatches, visitPattern } from '../tinyfs/visit.js';
import type { PondTxn } from '../tlogfs/transaction.js';

export interface ListedEntry {
  path: string;
  name: string;
  type: EntryType;
  factory?: string;
  nodeId: string;
  version?: number;
  size?: number;
  /** ms since the epoch. */
  modified?: number;
  /** For symlinks. */
  target?: string;
  captures: string[];
}

/**
 * `pond list` pattern rules (reference §6.1): no pattern means every file (`**\/*`), `/` means the
 * root's entries, a trailing `/` means the directory's entries, and a relative pattern is taken
 * from the root.
 */
export function normalizeListPattern(pattern: string | undefined): string {
  if (pattern === undefined || pattern === '') return '/**/*';
  let p = pattern.startsWith('/') ? pattern : '/' + pattern;
  if (p.endsWith('/')) p += '*';
  return p;
}

/**
 * True when the pattern asks for a directory's contents (none, `/`, `dir/`), which may be empty;
 * any other pattern must match something, as `ls name` fails on a name that is not there.
 */
function isDirectoryForm(pattern: string | undefined): boolean {
  return pattern === undefined || pattern === '' || pattern.endsWith('/');
}

/**
 * Entries matching a pattern, sorted by path (byte order). Names starting with `.` need `all`
 * unless the pattern names them literally. A missing path, a bad pattern, or (except for the
 * directory forms) a pattern that matches nothing is an error.
 */
export async function listEntries(
  txn: PondTxn,
  pattern: string | undefined,
  options: { all?: boolean } = {},
): Promise<ListedEntry[]> {
  if (pattern) parseGlob(pattern); // a bad pattern is reported as typed
  const normalized = normalizeListPattern(pattern);
  const glob = parseGlob(normalized);
  const last = glob.components[glob.components.length - 1];
  let entries: ListedEntry[];
  // The common case, `dir/` or `dir/*.csv`: one directory's entries, no tree walk.
  if (
    last?.kind === 'wildcard' &&
    glob.components.slice(0, -1).every((c) => c.kind === 'literal')
  ) {
    ({ entries } = await listDirectory(txn, literalBase(glob), {
      filter: last.segments,
      all: true,
    }));
  } else {
    entries = [];
    for (const m of await visitPattern(await txn.wd(), normalized)) {
      const name = m.entry?.name ?? '';
      entries.push(
        listed(
          m.path,
          m.entry ?? { name, id: m.node.id, type: m.node.type },
          m.captures,
          isSymlink(m.node) ? m.node.target : undefined,
        ),
      );
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  const shown =
    options.all || last?.kind === 'literal'
      ? entries
      : entries.filter((e) => !e.name.startsWith('.'));
  if (shown.length === 0 && !isDirectoryForm(pattern)) {
    const hidden = entries.length - shown.length;
    throw nothingMatches(
      pattern!,
      hidden > 0 ? ` (${hidden} hidden ${hidden === 1 ? 'entry does' : 'entries do'}: add -a)` : '',
    );
  }
  return shown;
}

export interface DirectoryListing {
  path: string;
  /** Entries after the filter, before paging. */
  total: number;
  entries: ListedEntry[];
}

/**
 * One directory's entries, sorted by name, optionally filtered by a `*` pattern on names and
 * paged. This reads the directory's snapshot only: no child is opened except symlinks (for
 * their targets), so a directory of 100,000 entries lists as fast as its snapshot loads.
 */
export async function listDirectory(
  txn: PondTxn,
  path: string,
  options: { filter?: string[]; all?: boolean; offset?: number; limit?: number } = {},
): Promise<DirectoryListing> {
  const wd = await txn.wd();
  const found = await wd.get(path);
  if (!isDirectory(found.node)) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${path}' is ${aType(found.node.type)}, not a directory`,
      {
        input: path,
      },
    );
  }
  const dir = found.node;
  const selected: { e: DirEntry; captures: string[] }[] = [];
  for (const e of await dir.entries()) {
    if (!options.all && e.name.startsWith('.')) continue;
    const captures = options.filter ? matchWildcard(options.filter, e.name) : [];
    if (captures) selected.push({ e, captures });
  }
  const offset = options.offset ?? 0;
  const page = selected.slice(
    offset,
    options.limit === undefined ? undefined : offset + options.limit,
  );
  const entries: ListedEntry[] = [];
  for (const { e, captures } of page) {
    let target: string | undefined;
    if (e.type === 'symlink') {
      const node = await dir.child(e.name);
      if (node && isSymlink(node)) target = node.target;
    }
    entries.push(listed(joinPath(found.path, e.name), e, captures, target));
  }
  return { path: found.path, total: selected.length, entries };
}

function listed(
  path: string,
  e: DirEntry,
  captures: string[],
  target: string | undefined,
): ListedEntry {
  const out: ListedEntry = { path, name: e.name, type: e.type, nodeId: e.id, captures };
  if (e.factory !== undefined) out.factory = e.factory;
  if (e.version !== undefined) out.version = e.version;
  if (e.size !== undefined) out.size = e.size;
  if (e.modified !== undefined) out.modified = e.modified;
  if (target !== undefined) out.target = target;
  return out;
}
