import { nodeRelation } from '../query/node-relation.js';
import {
  describeRelation,
  eventBounds,
  timestampColumn,
  type ColumnInfo,
} from '../query/parquet-file.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import { liveVersions } from '../tinyfs/live-versions.js';
import { isDirectory, isFile, isSymlink, type FileVersion, type PondNode } from '../tinyfs/node.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { isDynamicNode } from '../tlogfs/transaction.js';
import { listEntries } from './list.js';

export interface NodeDescription {
  path: string;
  type: EntryType;
  nodeId: string;
  factory?: string;
  /** The factory config (YAML) of a dynamic node. */
  config?: string;
  /** Stored versions (empty for computed nodes). */
  versions: FileVersion[];
  /** Columns of a table or series. */
  schema?: ColumnInfo[];
  timestampColumn?: string;
  /** The event-time range of a series, µs since the epoch. */
  timeRange?: { minUs: number; maxUs: number };
  /** Number of entries of a directory. */
  entries?: number;
  target?: string;
}

/** Scans a relation for the min and max of its event-time column (µs). */
export type BoundsScan = (
  relation: string,
  column: ColumnInfo,
) => Promise<{ minUs: number | undefined; maxUs: number | undefined }>;

/**
 * Describes one node: type, versions, schema, timestamp column and time range. A series whose
 * versions do not record their time range (a derived one) is scanned for it, with `bounds`
 * (the pond's own session by default; the app passes one it can interrupt).
 */
export async function describeNode(
  txn: PondTxn,
  path: string,
  node: PondNode,
  bounds: BoundsScan = (relation, column) => eventBounds(txn.session, relation, column),
): Promise<NodeDescription> {
  const d: NodeDescription = { path, type: node.type, nodeId: node.id, versions: [] };
  if (node.factory !== undefined) d.factory = node.factory;
  if (isDynamicNode(node)) d.config = node.shownConfig ?? node.spec.config;
  if (isSymlink(node)) {
    d.target = node.target;
    return d;
  }
  if (isDirectory(node)) {
    d.entries = (await node.entries()).length;
    return d;
  }
  if (!isFile(node)) return d;
  d.versions = await node.versions();
  if (node.type === 'data') return d;
  const relation = await nodeRelation(node, path, { txn, expanding: [] });
  d.schema = await describeRelation(txn.session, relation);
  if (node.type === 'series') {
    const recorded = d.versions.find((v) => v.timestampColumn !== undefined)?.timestampColumn;
    const col = timestampColumn(d.schema, recorded, path);
    d.timestampColumn = col.name;
    const live = liveVersions(node.type, d.versions);
    const mins = live.map((v) => v.minEventTimeUs).filter((x): x is number => x !== undefined);
    const maxs = live.map((v) => v.maxEventTimeUs).filter((x): x is number => x !== undefined);
    if (live.length > 0 && mins.length === live.length && maxs.length === live.length) {
      d.timeRange = { minUs: Math.min(...mins), maxUs: Math.max(...maxs) };
    } else {
      const b = await bounds(relation, col);
      if (b.minUs !== undefined && b.maxUs !== undefined)
        d.timeRange = { minUs: b.minUs, maxUs: b.maxUs };
    }
  }
  return d;
}

/** `pond describe PATTERN`: every matching node (default: every file). */
export async function describeMatches(
  txn: PondTxn,
  pattern: string | undefined,
): Promise<NodeDescription[]> {
  // listEntries refuses a missing path, a bad pattern and a pattern that matches nothing.
  const entries = await listEntries(txn, pattern, { all: true });
  const wd = await txn.wd();
  const out: NodeDescription[] = [];
  for (const e of entries)
    out.push(await describeNode(txn, e.path, (await wd.get(e.path, { follow: false })).node));
  return out;
}
