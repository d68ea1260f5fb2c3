import { ErrorCode, PondError } from '../../shared/errors.js';
import { newNodeId, type NodeId } from '../tinyfs/node-id.js';
import type { DirEntry, DirectoryNode, FileNode, NewNode, PondNode } from '../tinyfs/node.js';
import { checkName } from '../tinyfs/entry-name.js';
import { joinPath } from '../tinyfs/path.js';
import { wholeSize } from './data-chunks.js';
import { homeOf, type StoredEntry } from './directory-snapshot.js';
import { oplogRow, type OplogRow } from './oplog.js';
import type { PondTxn } from './transaction.js';

/** A physical directory of the pond: a full snapshot of its entries per version. */
export class TlogDirectory implements DirectoryNode {
  readonly type = 'directory' as const;
  readonly create?: (name: string, spec: NewNode) => Promise<PondNode>;
  readonly replaceDynamic?: (
    name: string,
    spec: Extract<NewNode, { kind: 'dynamic' }>,
  ) => Promise<PondNode>;
  readonly remove?: (name: string) => Promise<void>;
  readonly move?: (name: string, target: DirectoryNode, newName: string) => Promise<void>;

  constructor(
    private readonly txn: PondTxn,
    readonly id: NodeId,
    readonly path: string,
  ) {
    if (txn.writable) {
      this.create = (name, spec) => this.createChild(name, spec);
      this.replaceDynamic = (name, spec) => this.replaceDynamicChild(name, spec);
      this.remove = (name) => this.removeChild(name);
      this.move = (name, target, newName) => this.moveChild(name, target, newName);
    }
  }

  async entries(): Promise<DirEntry[]> {
    const map = await this.txn.entries(this.id, this.path);
    return [...map.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async entry(name: string): Promise<StoredEntry | undefined> {
    return (await this.txn.entries(this.id, this.path)).get(name);
  }

  async child(name: string): Promise<PondNode | undefined> {
    const e = (await this.txn.entries(this.id, this.path)).get(name);
    return e ? this.txn.nodeFor(e, this) : undefined;
  }

  /** Updates the summary this directory keeps of a child file's latest version. */
  async touch(
    name: string,
    summary: Pick<DirEntry, 'version' | 'size' | 'modified' | 'txnSeq'>,
  ): Promise<void> {
    const e = await this.entry(name);
    if (!e)
      throw new PondError(
        ErrorCode.Internal,
        `'${joinPath(this.path, name)}' is not in its directory`,
      );
    await this.txn.setEntry(this.id, this.path, { ...e, ...summary });
  }

  /**
   * Puts an existing node under `name` (restore and revert bring nodes back this way): `entry`
   * is how a directory listed it before, `home` the partition of its rows. The summary of the
   * node's latest version is read again, since versions may have come after that listing.
   */
  async place(name: string, entry: StoredEntry, home: NodeId): Promise<void> {
    checkName(name);
    const e: StoredEntry = { name, id: entry.id, type: entry.type };
    if (entry.factory !== undefined) e.factory = entry.factory;
    if (!isStoredDirectory(e)) {
      if (home !== this.id) e.home = home;
      Object.assign(e, await this.latestSummary(e, joinPath(this.path, name)));
    }
    await this.txn.setEntry(this.id, this.path, e);
    this.txn.forgetNodes();
  }

  /** Reads the summary of a child's latest version again (after a restore wrote versions). */
  async refresh(name: string): Promise<void> {
    const e = await this.entry(name);
    if (!e || isStoredDirectory(e)) return;
    await this.txn.setEntry(this.id, this.path, {
      ...e,
      ...(await this.latestSummary(e, joinPath(this.path, name))),
    });
    this.txn.forgetNodes();
  }

  private async latestSummary(
    e: StoredEntry,
    path: string,
  ): Promise<Pick<DirEntry, 'version' | 'size' | 'modified' | 'txnSeq'>> {
    const row = await this.txn.requireRow(homeOf(e, this.id), e.id, path);
    const s: Pick<DirEntry, 'version' | 'size' | 'modified' | 'txnSeq'> = {
      version: row.version,
      modified: row.timestamp,
      txnSeq: row.txn_seq,
    };
    if (e.factory === undefined && e.type !== 'symlink' && row.size !== null)
      s.size = wholeSize(row);
    return s;
  }

  private async createChild(name: string, spec: NewNode): Promise<PondNode> {
    checkName(name);
    const path = joinPath(this.path, name);
    if (await this.entry(name)) {
      throw new PondError(ErrorCode.AlreadyExists, `'${path}' already exists`, { input: path });
    }
    const id = newNodeId();
    switch (spec.kind) {
      case 'directory':
        this.txn.newDirectory(id);
        await this.txn.setEntry(this.id, this.path, { name, id, type: 'directory' });
        break;
      case 'symlink':
        this.txn.addRow(this.row(this.id, id, 'symlink', 1, Buffer.from(spec.target, 'utf8')));
        await this.txn.setEntry(this.id, this.path, this.summary(name, id, 'symlink', 1));
        break;
      case 'file': {
        await this.txn.setEntry(this.id, this.path, { name, id, type: spec.type });
        const node = (await this.child(name)) as FileNode;
        await node.append!(spec.content);
        this.txn.changes.push({ path, action: 'created', type: spec.type });
        return node;
      }
      case 'dynamic':
        this.txn.addRow({
          ...this.row(this.id, id, spec.type, 1, Buffer.from(spec.config, 'utf8')),
          factory: spec.factory,
        });
        await this.txn.setEntry(this.id, this.path, {
          ...this.summary(name, id, spec.type, 1),
          factory: spec.factory,
        });
        break;
    }
    const type = spec.kind === 'dynamic' ? spec.type : spec.kind;
    this.txn.changes.push({ path, action: 'created', type });
    return (await this.child(name))!;
  }

  private async replaceDynamicChild(
    name: string,
    spec: Extract<NewNode, { kind: 'dynamic' }>,
  ): Promise<PondNode> {
    const path = joinPath(this.path, name);
    const e = await this.entry(name);
    if (!e) throw new PondError(ErrorCode.NotFound, `'${path}' does not exist`, { input: path });
    if (e.factory === undefined) {
      throw new PondError(
        ErrorCode.WrongType,
        `'${path}' is not a dynamic node; refusing to replace it`,
        { input: path },
      );
    }
    const home = homeOf(e, this.id);
    const prev = await this.txn.requireRow(home, e.id, path);
    const version = prev.version + 1;
    this.txn.addRow({
      ...this.row(home, e.id, spec.type, version, Buffer.from(spec.config, 'utf8')),
      factory: spec.factory,
    });
    await this.txn.setEntry(this.id, this.path, {
      ...e,
      ...this.summary(name, e.id, spec.type, version),
      factory: spec.factory,
    });
    this.txn.forget(e.id);
    this.txn.changes.push({ path, action: 'replaced', type: spec.type });
    return (await this.child(name))!;
  }

  private async removeChild(name: string): Promise<void> {
    const path = joinPath(this.path, name);
    const e = await this.entry(name);
    if (!e) throw new PondError(ErrorCode.NotFound, `'${path}' does not exist`, { input: path });
    await this.txn.deleteEntry(this.id, this.path, name);
    this.txn.forgetNodes();
    this.txn.changes.push({ path, action: 'removed', type: e.type });
  }

  private async moveChild(name: string, target: DirectoryNode, newName: string): Promise<void> {
    const from = joinPath(this.path, name);
    if (!(target instanceof TlogDirectory) || target.txn !== this.txn || !target.create) {
      throw new PondError(ErrorCode.ReadOnly, `'${from}' can only move to a stored directory`, {
        input: from,
      });
    }
    checkName(newName);
    const to = joinPath(target.path, newName);
    const e = await this.entry(name);
    if (!e) throw new PondError(ErrorCode.NotFound, `'${from}' does not exist`, { input: from });
    if (await target.entry(newName)) {
      throw new PondError(ErrorCode.AlreadyExists, `'${to}' already exists`, { input: to });
    }
    const moved: StoredEntry = { ...e, name: newName };
    delete moved.home;
    const home = homeOf(e, this.id);
    if (!isStoredDirectory(e) && home !== target.id) moved.home = home;
    await this.txn.deleteEntry(this.id, this.path, name);
    await this.txn.setEntry(target.id, target.path, moved);
    this.txn.forgetNodes();
    this.txn.changes.push({ path: to, action: 'moved', type: e.type, from });
  }

  private row(
    partId: NodeId,
    id: NodeId,
    type: OplogRow['entry_type'],
    version: number,
    content: Uint8Array,
  ): OplogRow {
    return oplogRow({
      part_id: partId,
      node_id: id,
      entry_type: type,
      version,
      timestamp: this.txn.startedAt,
      txn_seq: this.txn.seq,
      size: content.length,
      content,
    });
  }

  private summary(name: string, id: NodeId, type: DirEntry['type'], version: number): DirEntry {
    return { name, id, type, version, modified: this.txn.startedAt, txnSeq: this.txn.seq };
  }
}

/** A stored (not computed) directory: its rows are its own partition, wherever it is listed. */
export function isStoredDirectory(e: DirEntry): boolean {
  return e.type === 'directory' && e.factory === undefined;
}
