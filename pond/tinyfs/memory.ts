import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { checkName } from './entry-name.js';
import type { FileType } from './entry-type.js';
import { newNodeId, ROOT_ID, type NodeId } from './node-id.js';
import type {
  DirEntry,
  DirectoryNode,
  FileContent,
  FileNode,
  FileVersion,
  NewNode,
  PondNode,
  SymlinkNode,
} from './node.js';

/**
 * An in-memory tree: the simplest back end, used by tinyfs's own tests and anywhere a scratch
 * tree is handy. Dynamic nodes are not supported here (they need a factory registry).
 */
export function memoryRoot(): DirectoryNode {
  return new MemoryDirectory(ROOT_ID);
}

class MemoryDirectory implements DirectoryNode {
  readonly type = 'directory' as const;
  private readonly children = new Map<string, { entry: DirEntry; node: PondNode }>();

  constructor(readonly id: NodeId) {}

  async entries(): Promise<DirEntry[]> {
    return [...this.children.values()]
      .map((c) => ({ ...c.entry }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async child(name: string): Promise<PondNode | undefined> {
    return this.children.get(name)?.node;
  }

  async create(name: string, spec: NewNode): Promise<PondNode> {
    checkName(name);
    if (this.children.has(name)) {
      throw new PondError(ErrorCode.AlreadyExists, `'${name}' already exists`, { input: name });
    }
    const id = newNodeId();
    let node: PondNode;
    switch (spec.kind) {
      case 'directory':
        node = new MemoryDirectory(id);
        break;
      case 'symlink':
        node = { id, type: 'symlink', target: spec.target } satisfies SymlinkNode;
        break;
      case 'file': {
        const file = new MemoryFile(id, spec.type);
        file.owner = { dir: this, name };
        node = file;
        this.children.set(name, { entry: { name, id, type: spec.type }, node });
        await file.append(spec.content);
        return node;
      }
      case 'dynamic':
        throw new PondError(ErrorCode.InvalidArgument, 'the in-memory tree has no factories', {
          input: spec.factory,
        });
    }
    this.children.set(name, { entry: { name, id, type: node.type }, node });
    return node;
  }

  async remove(name: string): Promise<void> {
    const c = this.children.get(name);
    if (!c) throw new PondError(ErrorCode.NotFound, `'${name}' does not exist`, { input: name });
    this.children.delete(name);
    if (c.node instanceof MemoryFile) c.node.owner = undefined;
  }

  async move(name: string, target: DirectoryNode, newName: string): Promise<void> {
    const c = this.children.get(name);
    if (!c) throw new PondError(ErrorCode.NotFound, `'${name}' does not exist`, { input: name });
    if (!(target instanceof MemoryDirectory)) {
      throw new PondError(ErrorCode.ReadOnly, 'the target is not a directory of this tree');
    }
    if (target.children.has(newName)) {
      throw new PondError(ErrorCode.AlreadyExists, `'${newName}' already exists`, {
        input: newName,
      });
    }
    this.children.delete(name);
    target.children.set(newName, { entry: { ...c.entry, name: newName }, node: c.node });
    if (c.node instanceof MemoryFile) c.node.owner = { dir: target, name: newName };
  }

  touch(name: string, v: FileVersion): void {
    const c = this.children.get(name)!;
    c.entry = {
      ...c.entry,
      version: v.version,
      size: v.size,
      modified: v.timestamp,
      txnSeq: v.txnSeq,
    };
  }
}

class MemoryFile implements FileNode {
  private readonly stored: { meta: FileVersion; bytes: Uint8Array }[] = [];
  /** The directory entry that shows this file's latest version (it follows moves). */
  owner: { dir: MemoryDirectory; name: string } | undefined;

  constructor(
    readonly id: NodeId,
    readonly type: FileType,
  ) {}

  async versions(): Promise<FileVersion[]> {
    return this.stored.map((s) => s.meta);
  }

  async read(version?: number): Promise<Uint8Array> {
    const s =
      version === undefined ? this.stored[this.stored.length - 1] : this.stored[version - 1];
    if (!s) {
      throw new PondError(ErrorCode.NotFound, `version ${version ?? 'latest'} does not exist`);
    }
    return s.bytes;
  }

  async append(content: FileContent): Promise<FileVersion> {
    if (content.continues) {
      throw new PondError(
        ErrorCode.Unsupported,
        'the in-memory file system keeps no growing files',
      );
    }
    const bytes = content.bytes ?? (await readFile(content.hostPath!));
    const meta: FileVersion = {
      version: this.stored.length + 1,
      txnSeq: 0,
      timestamp: Date.now(),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(content.timestampColumn === undefined
        ? {}
        : { timestampColumn: content.timestampColumn }),
      ...(content.minEventTimeUs === undefined ? {} : { minEventTimeUs: content.minEventTimeUs }),
      ...(content.maxEventTimeUs === undefined ? {} : { maxEventTimeUs: content.maxEventTimeUs }),
    };
    this.stored.push({ meta, bytes });
    this.owner?.dir.touch(this.owner.name, meta);
    return meta;
  }
}
