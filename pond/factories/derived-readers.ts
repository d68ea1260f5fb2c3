import { messageOf } from '../../shared/errors.js';
import { parseGlob } from '../tinyfs/glob.js';
import { joinParts, joinPath } from '../tinyfs/path.js';
import { visitGlob } from '../tinyfs/visit.js';
import { homeOf } from '../tlogfs/directory-snapshot.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { TreeIndex } from '../tlogfs/tree-index.js';
import type { FactoryRegistry } from './registry.js';

export interface DerivedReader {
  /** The factory node's path. */
  path: string;
  factory: string;
  /** The asked-about paths (or paths under them) its inputs match. */
  reads: string[];
}

export interface DerivedReaders {
  readers: DerivedReader[];
  /** Factory nodes whose inputs could not be matched, and why (a broken config, a failing input). */
  unchecked: { path: string; reason: string }[];
}

/**
 * The factory nodes of the pond, as `txn` sees it, whose inputs (patterns and transforms, as
 * their factory reports them) match any of `paths` or anything under them. Each pattern is
 * matched against the tree: a node reading every site's `temperature.series` under `/sensors`
 * reads `/sensors`. Configs are never changed here: callers warn.
 */
export async function derivedReaders(
  txn: PondTxn,
  registry: FactoryRegistry,
  paths: string[],
): Promise<DerivedReaders> {
  const out: DerivedReaders = { readers: [], unchecked: [] };
  if (paths.length === 0) return out;
  const wd = await txn.wd();
  const index = await TreeIndex.build(txn);
  for (const place of index.all()) {
    const { entry } = place;
    if (entry.factory === undefined) continue;
    const path = joinPath(place.dirPath, entry.name);
    try {
      const reads = registry.get(entry.factory).reads;
      if (!reads) continue;
      const row = await txn.requireRow(homeOf(entry, place.dirId), entry.id, path);
      const config = Buffer.from(row.content ?? []).toString('utf8');
      const hits = new Set<string>();
      for (const pattern of reads(config, `${path} (${entry.factory})`)) {
        if (!paths.some((p) => mayReach(pattern, p))) continue;
        for (const m of await visitGlob(wd, pattern)) {
          if (paths.some((p) => m.path === p || m.path.startsWith(`${p}/`))) hits.add(m.path);
        }
      }
      if (hits.size > 0)
        out.readers.push({ path, factory: entry.factory, reads: [...hits].sort() });
    } catch (e) {
      out.unchecked.push({ path, reason: messageOf(e) });
    }
  }
  out.readers.sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}

/** Whether a pattern can match `path` or below it: its literal prefix and `path` must nest. */
function mayReach(pattern: string, path: string): boolean {
  const prefix: string[] = [];
  for (const c of parseGlob(pattern).components) {
    if (c.kind !== 'literal') break;
    prefix.push(c.name);
  }
  const literal = joinParts(prefix);
  const under = (a: string, b: string) => a === b || b === '/' || a.startsWith(`${b}/`);
  return under(path, literal) || under(literal, path);
}
