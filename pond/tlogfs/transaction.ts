import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import { ROOT_ID, type NodeId } from '../tinyfs/node-id.js';
import type { DirEntry, DirectoryNode, PondNode, SymlinkNode } from '../tinyfs/node.js';
import { joinPath } from '../tinyfs/path.js';
import { WD } from '../tinyfs/wd.js';
import type { DuckSession } from '../duckdb/session.js';
import type { BlobStore } from './blob-store.js';
import {
  decodeDirectory,
  encodeDirectory,
  homeOf,
  type StoredEntry,
} from './directory-snapshot.js';
import { TlogDirectory } from './directory-node.js';
import { TlogFile } from './file-node.js';
import { oplogRow, type OplogRow } from './oplog.js';
import type { OplogReader } from './oplog-reader.js';

/** Content up to this size is stored inline in the oplog row; larger content becomes a blob. */
export const INLINE_LIMIT = 64 * 1024;

/** A stored node that names a factory, handed to the factory registry to become a live node. */
export interface DynamicNodeSpec {
  id: NodeId;
  /** The directory holding the node. */
  parentId: NodeId;
  name: string;
  /** The path through which the node was reached. */
  path: string;
  type: EntryType;
  factory: string;
  /** The factory config (YAML) as stored. */
  config: string;
}

/** A live node made by a factory keeps the spec it was made from (for `describe` and the app). */
export interface DynamicNode {
  readonly spec: DynamicNodeSpec;
  /** The config as shown to people (describe, cat, the app) when it differs: secrets redacted. */
  readonly shownConfig?: string;
}

export function isDynamicNode(node: object): node is DynamicNode {
  return typeof (node as Partial<DynamicNode>).spec === 'object';
}

/** Turns stored factory nodes into live nodes; given to the pond when it is opened. */
export type DynamicNodeMaker = (spec: DynamicNodeSpec, txn: PondTxn) => Promise<PondNode>;

/** One line of what a transaction changed, for `pond log` and the app's history. */
export interface Change {
  path: string;
  /**
   * created, new version, replaced (a factory config), moved (from `from`), removed (the entry
   * left its directory; its versions stay in history), restored (brought back, or given again
   * the content it had, as of transaction `asOf`).
   */
  action: 'created' | 'new version' | 'replaced' | 'moved' | 'removed' | 'restored';
  type: EntryType;
  /** moved: the path before. */
  from?: string;
  /** restored: the transaction whose state the node has again. */
  asOf?: number;
}

export interface TxnServices {
  session: DuckSession;
  blobs: BlobStore;
  /** The pond's cache folder (derived data, safe to delete). */
  cacheDir: string;
  reader: OplogReader;
  dynamic: DynamicNodeMaker | undefined;
}

/**
 * One pond transaction: a read view as of transaction `seq`, or the write of transaction `seq`.
 * It caches live nodes by id, so resolving the same path twice gives the same node object, and
 * it collects the rows a write will commit. Directory rows are produced once, at the end.
 */
export class PondTxn {
  private readonly nodes = new Map<NodeId, PondNode>();
  private readonly dirEntries = new Map<NodeId, Promise<Map<string, StoredEntry>>>();
  private readonly dirVersions = new Map<NodeId, number>();
  private readonly dirty = new Set<NodeId>();
  private readonly pending = new Map<NodeId, OplogRow[]>();
  private rootNode: TlogDirectory | undefined;
  readonly changes: Change[] = [];
  /** Free-form per-transaction state for upper layers (e.g. factory caches). */
  readonly scratch = new Map<string, unknown>();

  constructor(
    readonly services: TxnServices,
    /** The transaction being read (as of) or written. */
    readonly seq: number,
    readonly writable: boolean,
    /** When the transaction started, ms; every row it writes carries this time. */
    readonly startedAt: number = Date.now(),
  ) {}

  get session(): DuckSession {
    return this.services.session;
  }

  get blobs(): BlobStore {
    return this.services.blobs;
  }

  get cacheDir(): string {
    return this.services.cacheDir;
  }

  async root(): Promise<DirectoryNode> {
    this.rootNode ??= new TlogDirectory(this, ROOT_ID, '/');
    return this.rootNode;
  }

  async wd(cwd = '/'): Promise<WD> {
    return new WD(await this.root(), cwd);
  }

  /** True when the write has something to commit. */
  get hasChanges(): boolean {
    return this.dirty.size > 0 || this.pending.size > 0;
  }

  // ---- used by the node implementations ----

  entries(dirId: NodeId, path: string): Promise<Map<string, StoredEntry>> {
    let p = this.dirEntries.get(dirId);
    if (!p) {
      p = this.loadEntries(dirId, path);
      this.dirEntries.set(dirId, p);
    }
    return p;
  }

  /** Registers a directory made in this transaction. */
  newDirectory(id: NodeId): void {
    this.dirEntries.set(id, Promise.resolve(new Map()));
    this.dirVersions.set(id, 0);
    this.dirty.add(id);
  }

  async setEntry(dirId: NodeId, path: string, entry: StoredEntry): Promise<void> {
    this.requireWritable(path);
    (await this.entries(dirId, path)).set(entry.name, entry);
    this.dirty.add(dirId);
  }

  async deleteEntry(dirId: NodeId, path: string, name: string): Promise<void> {
    this.requireWritable(path);
    (await this.entries(dirId, path)).delete(name);
    this.dirty.add(dirId);
  }

  /**
   * The pond as this write found it: a read view of the transaction before it, unaffected by
   * what the write has changed so far (to look at what a path held before it moved).
   */
  before(): PondTxn {
    return new PondTxn(this.services, this.visibleSeq, false, this.startedAt);
  }

  /** A read view of the pond as of an earlier transaction, sharing this one's services. */
  asOf(seq: number): PondTxn {
    if (!Number.isInteger(seq) || seq < 1 || seq > this.visibleSeq) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `transaction ${seq} does not exist: this pond has transactions 1 to ${this.visibleSeq}`,
        { input: String(seq) },
      );
    }
    return new PondTxn(this.services, seq, false);
  }

  /** The newest transaction this view sees (the one before it, for a write). */
  get lastVisible(): number {
    return this.visibleSeq;
  }

  /** Decodes one stored version of a directory. */
  async decodeSnapshot(row: OplogRow, where: string): Promise<Map<string, StoredEntry>> {
    const bytes = row.content ?? (await this.blobs.read(row.blob!));
    return new Map(decodeDirectory(bytes, where).map((e) => [e.name, e]));
  }

  addRow(row: OplogRow): void {
    const list = this.pending.get(row.node_id) ?? [];
    list.push(row);
    this.pending.set(row.node_id, list);
  }

  /** The newest row of a node visible to this transaction (its own writes included). */
  async latestRow(
    partId: NodeId,
    nodeId: NodeId,
    writtenIn?: number,
  ): Promise<OplogRow | undefined> {
    const mine = this.pending.get(nodeId);
    if (mine && mine.length > 0) return mine[mine.length - 1];
    return this.services.reader.latest(partId, nodeId, this.visibleSeq, writtenIn);
  }

  async versionRows(partId: NodeId, nodeId: NodeId): Promise<OplogRow[]> {
    const stored = await this.services.reader.versions(partId, nodeId, this.visibleSeq);
    return [...stored, ...(this.pending.get(nodeId) ?? [])];
  }

  async nodeFor(entry: StoredEntry, parent: TlogDirectory): Promise<PondNode> {
    const cached = this.nodes.get(entry.id);
    if (cached) return cached;
    const path = joinPath(parent.path, entry.name);
    const home = homeOf(entry, parent.id);
    let node: PondNode;
    if (entry.factory !== undefined) {
      node = await this.makeDynamic(entry, parent, home, path);
    } else if (entry.type === 'directory') {
      node = new TlogDirectory(this, entry.id, path);
    } else if (entry.type === 'symlink') {
      const row = await this.requireRow(home, entry.id, path, entry.txnSeq);
      node = {
        id: entry.id,
        type: 'symlink',
        target: Buffer.from(row.content ?? []).toString('utf8'),
      } satisfies SymlinkNode;
    } else {
      node = new TlogFile(this, entry.id, entry.type, parent, home, entry.name, path, entry.txnSeq);
    }
    this.nodes.set(entry.id, node);
    return node;
  }

  forget(id: NodeId): void {
    this.nodes.delete(id);
  }

  /** Drops every cached live node: after a move or removal, cached nodes know stale paths. */
  forgetNodes(): void {
    this.nodes.clear();
  }

  async requireRow(
    partId: NodeId,
    nodeId: NodeId,
    path: string,
    writtenIn?: number,
  ): Promise<OplogRow> {
    const row = await this.latestRow(partId, nodeId, writtenIn);
    if (!row) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `no stored version of '${path}' (node ${nodeId})`,
        {
          input: path,
        },
      );
    }
    return row;
  }

  requireWritable(path: string): void {
    if (!this.writable) {
      throw new PondError(ErrorCode.ReadOnly, `'${path}' is read-only in this view of the pond`, {
        input: path,
      });
    }
  }

  /** Every row this write commits: node rows, then one new version of each changed directory. */
  async rowsToCommit(): Promise<OplogRow[]> {
    const rows = [...this.pending.values()].flat();
    for (const dirId of this.dirty) {
      const entries = await this.dirEntries.get(dirId)!;
      const bytes = encodeDirectory(entries.values());
      const stored = bytes.length < INLINE_LIMIT ? null : await this.blobs.putBytes(bytes);
      rows.push(
        oplogRow({
          part_id: dirId,
          node_id: dirId,
          entry_type: 'directory',
          version: (this.dirVersions.get(dirId) ?? 0) + 1,
          timestamp: this.startedAt,
          txn_seq: this.seq,
          size: entries.size,
          sha256: stored?.sha256 ?? null,
          content: stored ? null : bytes,
          blob: stored?.sha256 ?? null,
        }),
      );
    }
    return rows;
  }

  /** Writes see everything committed before them; reads see up to their `seq`. */
  private get visibleSeq(): number {
    return this.writable ? this.seq - 1 : this.seq;
  }

  private async loadEntries(dirId: NodeId, path: string): Promise<Map<string, StoredEntry>> {
    const row = await this.services.reader.latest(dirId, dirId, this.visibleSeq);
    if (!row) {
      if (dirId === ROOT_ID) {
        throw new PondError(
          ErrorCode.NotAPond,
          `the pond has no root directory as of transaction ${this.seq}`,
        );
      }
      throw new PondError(ErrorCode.DeltaCorrupt, `directory '${path}' has no stored version`, {
        input: path,
      });
    }
    this.dirVersions.set(dirId, row.version);
    return this.decodeSnapshot(row, path);
  }

  private async makeDynamic(
    entry: DirEntry,
    parent: TlogDirectory,
    home: NodeId,
    path: string,
  ): Promise<PondNode> {
    if (!this.services.dynamic) {
      throw new PondError(
        ErrorCode.Internal,
        `no factory registry to build '${path}' (${entry.factory})`,
      );
    }
    const row = await this.requireRow(home, entry.id, path, entry.txnSeq);
    return this.services.dynamic(
      {
        id: entry.id,
        parentId: parent.id,
        name: entry.name,
        path,
        type: entry.type,
        factory: entry.factory!,
        config: Buffer.from(row.content ?? []).toString('utf8'),
      },
      this,
    );
  }
}
