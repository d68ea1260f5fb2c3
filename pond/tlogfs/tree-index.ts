import { ROOT_ID, type NodeId } from '../tinyfs/node-id.js';
import { joinPath } from '../tinyfs/path.js';
import { isStoredDirectory } from './directory-node.js';
import type { StoredEntry } from './directory-snapshot.js';
import type { PondTxn } from './transaction.js';

/** Where a node sits: the stored directory listing it, under which name. */
export interface Place {
  dirId: NodeId;
  dirPath: string;
  name: string;
  entry: StoredEntry;
}

/**
 * Every stored directory of a view of the pond and every entry in them, by node id: where a node
 * is now (it may have moved since a transaction that named it), and the path of a directory.
 * Computed directories are not entered (no stored node can be inside one). Used by restore,
 * revert and the derived-readers check, which must find nodes anywhere in the pond.
 */
export class TreeIndex {
  private readonly dirs = new Map<NodeId, string>([[ROOT_ID, '/']]);
  private readonly places = new Map<NodeId, Place>();

  private constructor() {}

  static async build(txn: PondTxn): Promise<TreeIndex> {
    const index = new TreeIndex();
    let level: [NodeId, string][] = [[ROOT_ID, '/']];
    while (level.length > 0) {
      const listings = await Promise.all(level.map(([id, path]) => txn.entries(id, path)));
      const next: [NodeId, string][] = [];
      level.forEach(([dirId, dirPath], i) => {
        for (const entry of listings[i]!.values()) {
          index.places.set(entry.id, { dirId, dirPath, name: entry.name, entry });
          if (isStoredDirectory(entry) && !index.dirs.has(entry.id)) {
            const path = joinPath(dirPath, entry.name);
            index.dirs.set(entry.id, path);
            next.push([entry.id, path]);
          }
        }
      });
      level = next;
    }
    return index;
  }

  /** The path of a stored directory; undefined when it is not in this view of the tree. */
  dirPath(id: NodeId): string | undefined {
    return this.dirs.get(id);
  }

  placeOf(id: NodeId): Place | undefined {
    return this.places.get(id);
  }

  pathOf(id: NodeId): string | undefined {
    if (id === ROOT_ID) return '/';
    const p = this.places.get(id);
    return p && joinPath(p.dirPath, p.name);
  }

  /** Every entry of every stored directory. */
  all(): IterableIterator<Place> {
    return this.places.values();
  }
}
