import type { ListPage, ListRequest, TreeEntry } from '../../shared/api.js';
import { matchWildcard, parseNamePattern } from '../tinyfs/glob.js';
import { isoFromMillis } from './iso-time.js';
import { listDirectory, type ListedEntry } from './list.js';
import type { OpenPond } from './pond-registry.js';

/**
 * One page of one directory for the tree. The directory's snapshot is read once per
 * transaction and kept, so scrolling (or filtering) a 100,000-entry directory costs a pass over
 * the kept entries per page, not a decode of the whole snapshot.
 */
export async function treePage(open: OpenPond, req: ListRequest): Promise<ListPage> {
  const filter =
    req.filter === undefined || req.filter === '' ? undefined : parseNamePattern(req.filter);
  const all = req.all ?? false;
  return open.pond.read(async (txn) => {
    const key = JSON.stringify([txn.seq, req.path, all]);
    let listing = open.listings.get(key);
    if (!listing) {
      listing = await listDirectory(txn, req.path, { all });
      open.listings.set(key, listing);
    }
    const selected = filter
      ? listing.entries.filter(
          (e) =>
            (req.keepDirectories === true && e.type === 'directory') ||
            matchWildcard(filter, e.name) !== undefined,
        )
      : listing.entries;
    return {
      path: listing.path,
      offset: req.offset,
      total: selected.length,
      entries: selected.slice(req.offset, req.offset + req.limit).map(treeEntry),
    };
  }, req.asOf);
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
