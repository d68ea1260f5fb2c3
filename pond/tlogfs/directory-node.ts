import { ErrorCode, PondError } from '../../shared/errors.js';
import { newNodeId, type NodeId } from '../tinyfs/node-id.js';
import type { DirEntry, DirectoryNode, FileNode, NewNode, PondNode } from '../tinyfs/node.js';
import { checkName } from '../tinyfs/entry-name.js';
import { joinPath } from '../tinyfs/path.js';
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

  constructor(
    private readonly txn: PondTxn,
    readonly id: NodeId,
    readonly path: string,
  ) {
    if (txn.writable) {
      this.create = (name, spec) => this.createChild(name, spec);
      this.replaceDynamic = (name, spec) => this.replaceDynamicChild(name, spec);
    }
  }

  async entries(): Promise<DirEntry[]> {
    const map = await this.txn.entries(this.id, this.path);
    return [...map.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async entry(name: string): Promise<DirEntry | undefined> {
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
        this.txn.addRow(this.row(id, 'symlink', 1, Buffer.from(spec.target, 'utf8')));
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
          ...this.row(id, spec.type, 1, Buffer.from(spec.config, 'utf8')),
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
    const prev = await this.txn.requireRow(this.id, e.id, path);
    const version = prev.version + 1;
    this.txn.addRow({
      ...this.row(e.id, spec.type, version, Buffer.from(spec.config, 'utf8')),
      factory: spec.factory,
    });
    await this.txn.setEntry(this.id, this.path, {
      ...this.summary(name, e.id, spec.type, version),
      factory: spec.factory,
    });
    this.txn.forget(e.id);
    this.txn.changes.push({ path, action: 'replaced', type: spec.type });
    return (await this.child(name))!;
  }

  private row(
    id: NodeId,
    type: OplogRow['entry_type'],
    version: number,
    content: Uint8Array,
  ): OplogRow {
    return oplogRow({
      part_id: this.id,
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
