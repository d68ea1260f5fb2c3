import { ErrorCode, PondError } from '../../shared/errors.js';
import { aType, type FileType } from './entry-type.js';
import {
  isDirectory,
  isFile,
  isSymlink,
  type DirEntry,
  type DirectoryNode,
  type FileContent,
  type FileNode,
  type NewNode,
  type PondNode,
} from './node.js';
import { joinParts, joinPath, resolveParts } from './path.js';

/** How deep symlinks may chain before we call it a loop. */
export const SYMLINK_LIMIT = 32;

export interface Found {
  found: true;
  /** The node's real path (symlinks resolved). */
  path: string;
  node: PondNode;
  /** The directory holding the node; undefined for the root. */
  parent: DirectoryNode | undefined;
  name: string;
}

export interface Missing {
  found: false;
  /** The path that does not exist. */
  path: string;
  /** The existing directory the missing name would go in. */
  parent: DirectoryNode;
  parentPath: string;
  name: string;
}

/** A directory entry found by path, without the node it names being built. */
export interface EntryAt {
  /** The entry's path (symlinks before the last name resolved). */
  path: string;
  parent: DirectoryNode;
  parentPath: string;
  name: string;
  /** Undefined when the directory has no entry of that name. */
  entry: DirEntry | undefined;
}

export interface LookupOptions {
  /** Follow a symlink in the last position (default true). */
  follow?: boolean;
}

/**
 * A working directory over a tree of nodes: path resolution (with `.`/`..` and symlinks),
 * and the path-level operations the CLI and the service use.
 */
export class WD {
  constructor(
    readonly root: DirectoryNode,
    readonly cwd: string = '/',
  ) {}

  /** Resolves a path. Only the last component may be missing; a missing parent is an error. */
  async lookup(path: string, options: LookupOptions = {}): Promise<Found | Missing> {
    return this.walk(resolveParts(path, this.cwd), options.follow ?? true, 0, path);
  }

  /** Resolves a path that must exist. */
  async get(path: string, options: LookupOptions = {}): Promise<Found> {
    const r = await this.lookup(path, options);
    if (!r.found) throw notFound(path);
    return r;
  }

  /**
   * The entry a path names, read from its directory without building the node (so a factory
   * node whose config no longer reads can still be moved, removed or restored). Undefined for
   * the root; a missing parent directory is an error.
   */
  async entryAt(path: string): Promise<EntryAt | undefined> {
    const parts = resolveParts(path, this.cwd);
    const name = parts.pop();
    if (name === undefined) return undefined;
    const parent = await this.get(joinParts(parts));
    if (!isDirectory(parent.node)) {
      throw new PondError(ErrorCode.WrongType, `'${parent.path}' is not a directory`, {
        input: path,
      });
    }
    const entry = (await parent.node.entries()).find((e) => e.name === name);
    return {
      path: joinPath(parent.path, name),
      parent: parent.node,
      parentPath: parent.path,
      name,
      entry,
    };
  }

  async getDirectory(path: string): Promise<DirectoryNode> {
    const { node } = await this.get(path);
    if (!isDirectory(node)) {
      throw new PondError(ErrorCode.WrongType, `'${path}' is not a directory`, { input: path });
    }
    return node;
  }

  async getFile(path: string): Promise<FileNode> {
    const { node } = await this.get(path);
    if (!isFile(node)) {
      throw new PondError(ErrorCode.WrongType, `'${path}' is ${aType(node.type)}, not a file`, {
        input: path,
      });
    }
    return node;
  }

  /** mkdir: the parent must exist (unless `parents`), the target must not (unless `parents`). */
  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<DirectoryNode> {
    const parts = resolveParts(path, this.cwd);
    if (!options.parents) {
      const r = await this.lookup(path);
      if (r.found) throw alreadyExists(path);
      return (await createIn(r, { kind: 'directory' })) as DirectoryNode;
    }
    let dir = this.root;
    for (let i = 0; i < parts.length; i++) {
      const sub = joinParts(parts.slice(0, i + 1));
      const r = await this.lookup(sub);
      if (r.found) {
        if (!isDirectory(r.node)) {
          throw new PondError(ErrorCode.WrongType, `'${sub}' exists and is not a directory`, {
            input: sub,
          });
        }
        dir = r.node;
      } else {
        dir = (await createIn(r, { kind: 'directory' })) as DirectoryNode;
      }
    }
    return dir;
  }

  /** Creates a new node; the path must not exist. */
  async create(path: string, spec: NewNode): Promise<PondNode> {
    const r = await this.lookup(path, { follow: false });
    if (r.found) throw alreadyExists(path);
    return createIn(r, spec);
  }

  /**
   * Writes a file with cp semantics: a new path creates a file of `type`; an existing file gets
   * a new version and keeps its type; a directory is an error.
   */
  async writeFile(
    path: string,
    type: FileType,
    content: FileContent,
  ): Promise<{ node: FileNode; created: boolean }> {
    const r = await this.lookup(path);
    if (!r.found) {
      const node = (await createIn(r, { kind: 'file', type, content })) as FileNode;
      return { node, created: true };
    }
    if (!isFile(r.node)) {
      throw new PondError(ErrorCode.WrongType, `'${path}' is ${aType(r.node.type)}, not a file`, {
        input: path,
      });
    }
    if (!r.node.append) {
      throw new PondError(ErrorCode.ReadOnly, `'${path}' is read-only`, { input: path });
    }
    await r.node.append(content);
    return { node: r.node, created: false };
  }

  private async walk(
    parts: string[],
    follow: boolean,
    depth: number,
    original: string,
  ): Promise<Found | Missing> {
    let dir = this.root;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const last = i === parts.length - 1;
      const child = await dir.child(name);
      const here = joinParts(parts.slice(0, i + 1));
      if (!child) {
        if (last) {
          return {
            found: false,
            path: here,
            parent: dir,
            parentPath: joinParts(parts.slice(0, i)),
            name,
          };
        }
        throw notFound(here);
      }
      if (isSymlink(child) && (!last || follow)) {
        if (depth >= SYMLINK_LIMIT) {
          throw new PondError(ErrorCode.SymlinkLoop, `too many symlinks resolving '${original}'`, {
            input: original,
          });
        }
        const target = resolveParts(child.target, joinParts(parts.slice(0, i)));
        return this.walk([...target, ...parts.slice(i + 1)], follow, depth + 1, original);
      }
      if (last) return { found: true, path: here, node: child, parent: dir, name };
      if (!isDirectory(child)) {
        throw new PondError(ErrorCode.WrongType, `'${here}' is not a directory`, { input: here });
      }
      dir = child;
    }
    return { found: true, path: '/', node: this.root, parent: undefined, name: '' };
  }
}

/** The directory's `create` checks the name (entry-name.ts): every back end does, once. */
async function createIn(r: Missing, spec: NewNode): Promise<PondNode> {
  if (!r.parent.create) {
    throw new PondError(ErrorCode.ReadOnly, `'${r.parentPath}' is read-only`, {
      input: r.parentPath,
    });
  }
  return r.parent.create(r.name, spec);
}

export function notFound(path: string): PondError {
  return new PondError(ErrorCode.NotFound, `'${path}' does not exist`, { input: path });
}

function alreadyExists(path: string): PondError {
  return new PondError(ErrorCode.AlreadyExists, `'${path}' already exists`, { input: path });
}
