import type { AddFile, Snapshot } from '../delta/index.js';
import { parseStats } from '../delta/index.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { PARTITION_COLUMN, type OplogRow } from './oplog.js';
import { readOplogFile } from './oplog-file.js';
import { keepsRow, readOplogFilesDuckDB, type RowFilter } from './oplog-file-duckdb.js';
import type { DuckSession } from '../duckdb/session.js';

/** A live data file of the oplog with the bounds its stats give (open bounds when absent). */
export interface IndexedFile {
  path: string;
  partId: string;
  minTxn: number;
  maxTxn: number;
  minNode: string | undefined;
  maxNode: string | undefined;
  /** Bytes of the Parquet file. */
  size: number;
}

/**
 * Files up to this size are read whole in JS and every node's rows cached: a partition holds a
 * directory and its children, so listing a directory also answers its files' version reads (one
 * read instead of one per file opened afterwards). Larger files are read by DuckDB, one node (or
 * batch) at a time with the filter pushed down: on the 5 MB file of a 100,000-entry directory,
 * JS took 0.5-0.8 s and DuckDB about 0.1 s once loaded (loading it costs about 0.25 s); a small
 * pond's files are a few KB and read in JS in about a millisecond.
 */
export const JS_READ_MAX_BYTES = 1024 * 1024;
/** Node ids per DuckDB prefetch query. */
const PREFETCH_BATCH = 2000;

/**
 * Reads oplog rows for one node at a time without scanning history (DESIGN §3):
 * - files are grouped by partition from the snapshot's add actions (no I/O);
 * - within a partition, per-file stats (min/max of node_id and txn_seq) skip files that cannot
 *   hold the node, and the newest-first order lets a "latest version" read stop early;
 * - rows of a data file never change, so they are cached by file path across snapshots.
 */
export class OplogReader {
  private readonly byPartition = new Map<string, IndexedFile[]>();

  constructor(
    /** The pond's session: it loads DuckDB only if a file is too large for the JS reader. */
    private readonly session: DuckSession,
    snapshot: Snapshot,
    private readonly cache: RowCache,
    /** Index entries by file path, kept across snapshots: a file's stats never change. */
    indexed: Map<string, IndexedFile>,
  ) {
    for (const add of snapshot.files) {
      let f = indexed.get(add.path);
      if (!f) {
        f = indexFile(snapshot, add);
        indexed.set(add.path, f);
      }
      const list = this.byPartition.get(f.partId);
      if (list) list.push(f);
      else this.byPartition.set(f.partId, [f]);
    }
    for (const list of this.byPartition.values()) list.sort((a, b) => b.maxTxn - a.maxTxn);
  }

  /**
   * The highest version of a node written at or before transaction `asOf`. `writtenIn`, when
   * known, is the transaction that wrote that version.
   */
  async latest(
    partId: string,
    nodeId: string,
    asOf: number,
    writtenIn?: number,
  ): Promise<OplogRow | undefined> {
    if (writtenIn !== undefined && writtenIn <= asOf) {
      // The parent's entry says which transaction wrote the latest version: read only the
      // files that span it.
      const files = this.candidates(partId, nodeId, asOf).filter(
        (f) => f.minTxn <= writtenIn && writtenIn <= f.maxTxn,
      );
      const rows = (await this.nodeRows(files, nodeId)).filter((r) => r.txn_seq === writtenIn);
      if (rows.length > 0) return rows.reduce((a, b) => (b.version > a.version ? b : a));
    }
    let best: OplogRow | undefined;
    for (const f of this.candidates(partId, nodeId, asOf)) {
      // Files are newest first: once a file's newest row is older than what we hold, stop.
      if (best && f.maxTxn <= best.txn_seq) break;
      for (const r of await this.nodeRows([f], nodeId)) {
        if (r.txn_seq <= asOf && (!best || r.version > best.version)) best = r;
      }
    }
    return best;
  }

  /** Every version of a node written at or before transaction `asOf`, oldest first. */
  async versions(partId: string, nodeId: string, asOf: number): Promise<OplogRow[]> {
    const rows = await this.nodeRows(this.candidates(partId, nodeId, asOf), nodeId);
    return rows.filter((r) => r.txn_seq <= asOf).sort((a, b) => a.version - b.version);
  }

  /**
   * Reads the rows of many nodes of one partition with one read per file (per batch of nodes in
   * DuckDB), into the cache, so the per-node reads that follow (revert and restore check
   * thousands of nodes an import made) cost no read each.
   */
  async prefetch(partId: string, nodeIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(nodeIds)];
    for (const f of this.byPartition.get(partId) ?? []) {
      const wanted = ids.filter(
        (id) => mayHoldNode(f, id) && !this.cache.has(cacheKey(f.path, id)),
      );
      if (wanted.length < 2) continue;
      // A file read in JS is decoded whole anyway: one read for every node.
      const per = f.size <= JS_READ_MAX_BYTES ? wanted.length : PREFETCH_BATCH;
      for (let i = 0; i < wanted.length; i += per) {
        const batch = wanted.slice(i, i + per);
        const byNode = new Map<string, OplogRow[]>(batch.map((id) => [id, []]));
        const grouped = await this.read([f], { nodes: new Set(batch) });
        for (const r of grouped.get(f.path) ?? []) byNode.get(r.node_id)!.push(r);
        for (const [id, rows] of byNode) this.cache.set(cacheKey(f.path, id), rows);
      }
    }
  }

  /** Every row of every live file: for fsck and `pond show` (not cached). */
  async allRows(): Promise<OplogRow[]> {
    const files = [...this.byPartition.values()].flat();
    if (files.length === 0) return [];
    const grouped = await this.read(files);
    return files.flatMap((f) => grouped.get(f.path) ?? []);
  }

  /**
   * Every row transaction `seq` wrote, in every partition: what it changed, exactly (revert
   * reads this, not the commit's summary). Only files whose txn_seq range spans `seq` are read.
   */
  async writtenIn(seq: number): Promise<OplogRow[]> {
    const files = [...this.byPartition.values()]
      .flat()
      .filter((f) => f.minTxn <= seq && seq <= f.maxTxn);
    if (files.length === 0) return [];
    const grouped = await this.read(files, { txn: seq });
    return files.flatMap((f) => grouped.get(f.path) ?? []);
  }

  private candidates(partId: string, nodeId: string, asOf: number): IndexedFile[] {
    return (this.byPartition.get(partId) ?? []).filter(
      (f) => f.minTxn <= asOf && mayHoldNode(f, nodeId),
    );
  }

  /**
   * The rows of one node in some files, cached per file and node. A small file is read once for
   * all of its nodes; a large one keeps only this node's rows (the cache stays bounded).
   */
  private async nodeRows(files: IndexedFile[], nodeId: string): Promise<OplogRow[]> {
    // Hold the cached rows first: filling the cache below may evict them.
    const found = new Map<string, OplogRow[]>();
    for (const f of files) {
      const rows = this.cache.get(cacheKey(f.path, nodeId));
      if (rows) found.set(f.path, rows);
    }
    const missing = files.filter((f) => !found.has(f.path));
    const small = missing.filter((f) => f.size <= JS_READ_MAX_BYTES);
    const large = missing.filter((f) => f.size > JS_READ_MAX_BYTES);
    if (small.length > 0) {
      const grouped = await this.read(small);
      for (const f of small) {
        const byNode = new Map<string, OplogRow[]>([[nodeId, []]]);
        for (const r of grouped.get(f.path) ?? []) {
          const list = byNode.get(r.node_id);
          if (list) list.push(r);
          else byNode.set(r.node_id, [r]);
        }
        for (const [node, rows] of byNode) this.cache.set(cacheKey(f.path, node), rows);
        found.set(f.path, byNode.get(nodeId)!);
      }
    }
    if (large.length > 0) {
      const grouped = await this.read(large, { nodes: new Set([nodeId]) });
      for (const f of large) {
        const rows = grouped.get(f.path) ?? [];
        found.set(f.path, rows);
        this.cache.set(cacheKey(f.path, nodeId), rows);
      }
    }
    return files.flatMap((f) => found.get(f.path)!);
  }

  /**
   * The rows of some files that `filter` keeps, by file path: small files in JS (oplog-file.ts),
   * so listing a small pond never loads DuckDB; large ones by DuckDB (oplog-file-duckdb.ts).
   */
  private async read(
    files: IndexedFile[],
    filter: RowFilter = {},
  ): Promise<Map<string, OplogRow[]>> {
    const small = files.filter((f) => f.size <= JS_READ_MAX_BYTES);
    const large = files.filter((f) => f.size > JS_READ_MAX_BYTES);
    const keep = keepsRow(filter);
    const [inJs, inDuck] = await Promise.all([
      Promise.all(small.map((f) => readOplogFile(f.path, f.partId))),
      large.length > 0
        ? readOplogFilesDuckDB(this.session, large, filter)
        : new Map<string, OplogRow[]>(),
    ]);
    const out = new Map<string, OplogRow[]>(small.map((f, i) => [f.path, inJs[i]!.filter(keep)]));
    for (const f of large) out.set(f.path, inDuck.get(f.path) ?? []);
    return out;
  }
}

function cacheKey(path: string, nodeId: string): string {
  return `${path}\0${nodeId}`;
}

function indexFile(snapshot: Snapshot, add: AddFile): IndexedFile {
  const partId = add.partitionValues[PARTITION_COLUMN];
  if (partId === undefined || partId === null) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `oplog file ${add.path} has no ${PARTITION_COLUMN}`,
    );
  }
  const stats = parseStats(add);
  const num = (v: unknown, dflt: number) => (typeof v === 'number' ? v : dflt);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    path: snapshot.filePath(add),
    partId,
    minTxn: num(stats?.minValues?.['txn_seq'], -Infinity),
    maxTxn: num(stats?.maxValues?.['txn_seq'], Infinity),
    minNode: str(stats?.minValues?.['node_id']),
    maxNode: str(stats?.maxValues?.['node_id']),
    size: add.size,
  };
}

/** String stats may be truncated prefixes, so the upper bound is compared on its prefix only. */
function mayHoldNode(f: IndexedFile, nodeId: string): boolean {
  if (f.minNode !== undefined && nodeId < f.minNode) return false;
  if (f.maxNode !== undefined && nodeId.slice(0, f.maxNode.length) > f.maxNode) return false;
  return true;
}

/**
 * Rows per immutable data file and node, bounded by total inline bytes so a long-lived app does not
 * grow without limit (least recently used files are dropped first).
 */
export class RowCache {
  private readonly map = new Map<string, { rows: OplogRow[]; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget = 256 * 1024 * 1024) {}

  has(path: string): boolean {
    return this.map.has(path);
  }

  get(path: string): OplogRow[] | undefined {
    const hit = this.map.get(path);
    if (!hit) return undefined;
    this.map.delete(path);
    this.map.set(path, hit);
    return hit.rows;
  }

  set(path: string, rows: OplogRow[]): void {
    const bytes = rows.reduce((n, r) => n + 200 + (r.content?.length ?? 0), 0);
    this.map.set(path, { rows, bytes });
    this.bytes += bytes;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.budget || k === path) break;
      this.map.delete(k);
      this.bytes -= v.bytes;
    }
  }
}
