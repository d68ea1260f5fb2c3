import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import { ROOT_ID, type NodeId } from '../tinyfs/node-id.js';
import type { DirectoryNode } from '../tinyfs/node.js';
import { dirname, joinPath, resolvePath } from '../tinyfs/path.js';
import { isStoredDirectory, TlogDirectory } from './directory-node.js';
import { homeOf, type StoredEntry } from './directory-snapshot.js';
import { restoreContent } from './node-restore.js';
import type { Change, PondTxn } from './transaction.js';
import { TreeIndex } from './tree-index.js';
import { prefetchNodes } from './txn-changes.js';

/** One node of the subtree being restored, as it was then. */
interface ThenNode {
  entry: StoredEntry;
  home: NodeId;
  /** Its path then, which is its path again once restored. */
  path: string;
}

/**
 * `pond restore PATH --as-of N`: makes PATH, and everything under it, as it was at transaction
 * N, in this write transaction. Nodes keep their ids, so their histories continue:
 * - a file gets a new version equal to the one readers saw then (a series: its union then);
 * - a factory node gets its config then; a symlink is brought back as it was;
 * - a directory gets its listing then, level by level: entries removed since come back, entries
 *   added since leave it (they stay in history, as `git restore` does);
 * - PATH itself: the node there now, as it was then (wherever it was then); or, when PATH holds
 *   nothing now, the node it held then, brought back into the directory now at its parent path.
 * Refused: a node at PATH now that did not exist then (another node is in the way), a path that
 * held nothing then, a missing parent, and a node of the subtree that now lives elsewhere in the
 * pond (it would be in two places). Changes are recorded as `restored` (and `removed` for
 * entries added since).
 */
export async function restorePath(txn: PondTxn, path: string, asOf: number): Promise<void> {
  const then = txn.asOf(asOf);
  const wd = await txn.wd();
  const notThen = (why: string) =>
    new PondError(ErrorCode.NotFound, `'${path}' ${why} at transaction ${asOf}`, { input: path });
  // Entries, not nodes: a factory node whose config no longer reads can be restored too.
  const now = await unlessMissing(wd.entryAt(path));
  const atThen = async () => unlessMissing((await then.wd()).entryAt(path));

  // The node to restore, and where it belongs now: PATH's node now, else PATH's node then.
  let rootId: NodeId = ROOT_ID;
  let target = '/';
  let top: ThenNode | undefined;
  let parentNow: TlogDirectory | undefined;
  let name = '';
  if (now?.entry) {
    parentNow = storedParent(now.parent, now.path, asOf);
    [target, name, rootId] = [now.path, now.name, now.entry.id];
    const entry = (await parentNow.entry(name))!;
    top = { entry, home: homeOf(entry, parentNow.id), path: target };
    if (!(await existedAt(txn, top, asOf))) {
      if ((await atThen())?.entry) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `'${target}' now holds another node (made after transaction ${asOf}) than the one it held then: move or remove it first`,
          { input: path },
        );
      }
      throw notThen('did not exist');
    }
  } else if (now || resolvePath(path) !== '/') {
    const found = await atThen();
    if (!found?.entry) throw notThen('did not exist');
    const parentThen = storedParent(found.parent, found.path, asOf);
    const entry = (await parentThen.entry(found.name))!;
    const parentPath = dirname(path);
    const p = await unlessMissing(wd.lookup(parentPath));
    if (!p?.found || !(p.node instanceof TlogDirectory)) {
      throw new PondError(
        ErrorCode.NotFound,
        `'${parentPath}' is not a stored directory now: restore it first (pond restore ${parentPath} --as-of ${asOf})`,
        { input: path },
      );
    }
    parentNow = p.node;
    name = found.name;
    target = joinPath(p.path, name);
    rootId = entry.id;
    top = { entry, home: homeOf(entry, parentThen.id), path: target };
  }

  // The subtree then: its stored directories' listings and every node in them.
  const dirs = new Map<NodeId, { path: string; listing: Map<string, StoredEntry> }>();
  const nodes = new Map<NodeId, ThenNode>();
  if (top) nodes.set(rootId, top);
  if (!top || isStoredDirectory(top.entry)) {
    let level: [NodeId, string][] = [[rootId, target]];
    while (level.length > 0) {
      const next: [NodeId, string][] = [];
      for (const [dirId, dirPath] of level) {
        const listing = await then.entries(dirId, dirPath);
        dirs.set(dirId, { path: dirPath, listing });
        for (const e of listing.values()) {
          const p = joinPath(dirPath, e.name);
          nodes.set(e.id, { entry: e, home: homeOf(e, dirId), path: p });
          if (isStoredDirectory(e)) next.push([e.id, p]);
        }
      }
      level = next;
    }
  }

  // A node of the subtree that now lives outside it would end up in two places.
  const placedRight = parentNow === undefined || (await parentNow.entry(name))?.id === rootId;
  if (dirs.size > 0 || !placedRight) {
    const index = await TreeIndex.build(txn);
    for (const [id, n] of nodes) {
      const place = index.placeOf(id);
      if (!place || dirs.has(place.dirId)) continue;
      if (id === rootId && place.dirId === parentNow?.id && place.name === name) continue;
      throw new PondError(
        ErrorCode.Conflict,
        `'${n.path}' of transaction ${asOf} is now at '${joinPath(place.dirPath, place.name)}': move it back or remove it first`,
        { input: path },
      );
    }
  }

  // Content first (so the entries placed below summarize the new versions), then listings.
  await prefetchNodes(
    txn,
    [...nodes].map(([id, n]) => ({ id, home: n.home })),
  );
  const rewritten = new Set<NodeId>();
  for (const [id, n] of nodes) {
    if (isStoredDirectory(n.entry)) continue;
    const node = { id, home: n.home, type: n.entry.type, factory: n.entry.factory !== undefined };
    if (await restoreContent(txn, node, asOf)) rewritten.add(id);
  }
  // A node leaving one name and taking another within the subtree was moved back.
  const left = new Map<NodeId, { path: string; type: EntryType }>();
  const arrived = new Map<NodeId, { path: string; type: EntryType }>();
  for (const [dirId, d] of dirs) {
    const dir = new TlogDirectory(txn, dirId, d.path);
    const current = await txn.entries(dirId, d.path);
    for (const [n, e] of [...current]) {
      if (d.listing.get(n)?.id === e.id) continue;
      await txn.deleteEntry(dirId, d.path, n);
      left.set(e.id, { path: joinPath(d.path, n), type: e.type });
    }
    for (const [n, e] of d.listing) {
      const p = joinPath(d.path, n);
      if (current.get(n)?.id === e.id) {
        if (rewritten.has(e.id)) await dir.refresh(n);
        continue;
      }
      await dir.place(n, e, homeOf(e, dirId));
      arrived.set(e.id, { path: p, type: e.type });
    }
  }
  if (parentNow && top) {
    const current = await parentNow.entry(name);
    if (!current) {
      await parentNow.place(name, top.entry, top.home);
      arrived.set(rootId, { path: target, type: top.entry.type });
    } else if (rewritten.has(rootId)) {
      await parentNow.refresh(name);
    }
  }
  // Recorded in order: what left, what moved back, what came back or got its content back.
  const changes: Change[] = [];
  const broughtBack = new Set<NodeId>();
  for (const [id, a] of arrived) {
    const from = left.get(id);
    left.delete(id);
    if (from) {
      changes.push({ path: a.path, action: 'moved', type: a.type, from: from.path });
    } else {
      broughtBack.add(id);
      changes.push({ path: a.path, action: 'restored', type: a.type, asOf });
    }
  }
  for (const id of rewritten) {
    if (broughtBack.has(id)) continue;
    const n = nodes.get(id)!;
    changes.push({ path: n.path, action: 'restored', type: n.entry.type, asOf });
  }
  for (const l of left.values())
    txn.changes.push({ path: l.path, action: 'removed', type: l.type });
  txn.changes.push(...changes.filter((c) => c.action === 'moved'));
  txn.changes.push(...changes.filter((c) => c.action === 'restored'));
  txn.forgetNodes();
}

/** A lookup whose missing parent counts as nothing there (other errors stay errors). */
async function unlessMissing<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (e) {
    if (isPondError(e, ErrorCode.NotFound)) return undefined;
    throw e;
  }
}

/** The stored directory listing a node; a node inside a computed directory has nothing stored. */
function storedParent(parent: DirectoryNode, path: string, asOf: number): TlogDirectory {
  if (parent instanceof TlogDirectory) return parent;
  throw new PondError(
    ErrorCode.WrongType,
    `'${path}' is computed by the factory node above it: there is nothing stored to restore as of transaction ${asOf} (restore the factory node instead)`,
    { input: path },
  );
}

/** Whether a node had been written by transaction `asOf`. */
async function existedAt(txn: PondTxn, n: ThenNode, asOf: number): Promise<boolean> {
  const home = isStoredDirectory(n.entry) ? n.entry.id : n.home;
  return (await txn.services.reader.latest(home, n.entry.id, asOf)) !== undefined;
}
