import type { AddFile, Snapshot } from '../delta/index.js';
import { parseStats } from '../delta/index.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { PARTITION_COLUMN, type OplogRow } from './oplog.js';
import { readOplogFile } from './oplog-file.js';

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
 * Files up to this size are read whole and every node's rows cached: a partition holds a
 * directory and its children, so listing a directory also answers its files' version reads
 * (one read instead of one per file opened afterwards).
 */
const READ_WHOLE_BYTES = 64 * 1024;

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
   * Reads the rows of many nodes of one partition with one read per file, into the cache, so the
   * per-node reads that follow (revert and restore check thousands of nodes an import made) cost
   * no read each.
   */
  async prefetch(partId: string, nodeIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(nodeIds)];
    for (const f of this.byPartition.get(partId) ?? []) {
      const wanted = ids.filter(
        (id) => mayHoldNode(f, id) && !this.cache.has(cacheKey(f.path, id)),
      );
      if (wanted.length < 2) continue;
      const byNode = new Map<string, OplogRow[]>(wanted.map((id) => [id, []]));
      const grouped = await this.read([f], (r) => byNode.has(r.node_id));
      for (const r of grouped.get(f.path) ?? []) byNode.get(r.node_id)!.push(r);
      for (const [id, rows] of byNode) this.cache.set(cacheKey(f.path, id), rows);
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
    const grouped = await this.read(files, (r) => r.txn_seq === seq);
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
    const small = missing.filter((f) => f.size <= READ_WHOLE_BYTES);
    const large = missing.filter((f) => f.size > READ_WHOLE_BYTES);
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
      const grouped = await this.read(large, (r) => r.node_id === nodeId);
      for (const f of large) {
        const rows = grouped.get(f.path) ?? [];
        found.set(f.path, rows);
        this.cache.set(cacheKey(f.path, nodeId), rows);
      }
    }
    return files.flatMap((f) => found.get(f.path)!);
  }

  /**
   * The rows of some files that `keep` accepts, by file path. Each file is read whole in JS
   * (oplog-file.ts): oplog files are small, and a metadata read must not load DuckDB.
   */
  private async read(
    files: IndexedFile[],
    keep: (r: OplogRow) => boolean = () => true,
  ): Promise<Map<string, OplogRow[]>> {
    const read = await Promise.all(files.map((f) => readOplogFile(f.path, f.partId)));
    return new Map(files.map((f, i) => [f.path, read[i]!.filter(keep)]));
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
