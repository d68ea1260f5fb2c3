import type { ListPage, ListRequest, TreeEntry } from '../../shared/api.js';
import { matchWildcard, parseNamePattern } from '../tinyfs/glob.js';
import { isoFromMillis } from './iso-time.js';
import { listDirectory, type ListedEntry } from './list.js';
import type { OpenPond } from './pond-registry.js';
import { insideMatch, searchTree } from './tree-search.js';

/**
 * One page of one directory for the tree. The directory's snapshot is read once per
 * transaction and kept, so scrolling (or filtering) a 100,000-entry directory costs a pass over
 * the kept entries per page, not a decode of the whole snapshot. A deep filter searches the
 * whole tree once per transaction and filter, and pages over what it kept.
 */
export async function treePage(open: OpenPond, req: ListRequest): Promise<ListPage> {
  const filter =
    req.filter === undefined || req.filter === '' ? undefined : parseNamePattern(req.filter);
  const all = req.all ?? false;
  return open.pond.read(async (txn) => {
    if (filter && req.deep) {
      const key = JSON.stringify([txn.seq, req.filter, all]);
      let search = open.searches.get(key);
      if (!search) {
        search = await searchTree(txn, filter, { all, raw: req.filter! });
        open.searches.set(key, search);
      }
      if (!insideMatch(search, req.path)) {
        const shown = search.shown.get(req.path) ?? [];
        return page(req, req.path, shown);
      }
    }
    const key = JSON.stringify([txn.seq, req.path, all]);
    let listing = open.listings.get(key);
    if (!listing) {
      listing = await listDirectory(txn, req.path, { all });
      open.listings.set(key, listing);
    }
    const selected =
      filter && !req.deep
        ? listing.entries.filter(
            (e) =>
              (req.keepDirectories === true && e.type === 'directory') ||
              matchWildcard(filter, e.name) !== undefined,
          )
        : listing.entries;
    return page(req, listing.path, selected);
  }, req.asOf);
}

function page(req: ListRequest, path: string, entries: ListedEntry[]): ListPage {
  return {
    path,
    offset: req.offset,
    total: entries.length,
    entries: entries.slice(req.offset, req.offset + req.limit).map(treeEntry),
  };
}

export function treeEntry(e: ListedEntry): TreeEntry {
  const t: TreeEntry = { name: e.name, path: e.path, kind: e.type, nodeId: e.nodeId };
  if (e.factory !== undefined) t.factory = e.factory;
  if (e.version !== undefined) t.version = e.version;
  if (e.size !== undefined) t.size = e.size;
  if (e.modified !== undefined) t.modified = isoFromMillis(e.modified);
  if (e.target !== undefined) t.target = e.target;
  return t;
}
