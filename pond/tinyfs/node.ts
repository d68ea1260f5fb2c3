import type { EntryType, FileType } from './entry-type.js';
import type { NodeId } from './node-id.js';

/**
 * The node model every back end implements: the in-memory one (tests), the Delta-backed one
 * (tlogfs), and the factories' dynamic nodes. Write methods are optional: a node without them
 * is read-only (a time-travel view, a dynamic node, a hostmount).
 */

/** One entry of a directory. Physical directories also keep a summary of the child's latest version. */
export interface DirEntry {
  name: string;
  id: NodeId;
  type: EntryType;
  /** The factory that computes this node; absent for stored nodes. */
  factory?: string;
  version?: number;
  size?: number;
  /** When the latest version was written, ms since the epoch. */
  modified?: number;
  /** The pond transaction that wrote the latest version. */
  txnSeq?: number;
}

/** One stored version of a file. */
export interface FileVersion {
  version: number;
  txnSeq: number;
  /** When the version was written, ms since the epoch. */
  timestamp: number;
  size: number;
  sha256: string;
  /** Series: the event-time range of this version, µs since the epoch. */
  minEventTimeUs?: number;
  maxEventTimeUs?: number;
  timestampColumn?: string;
  /** Host path of the content when it is kept as a file (large data, every table/series version). */
  blobPath?: string;
  /**
   * Series: readers start the union here; earlier versions are history only. Set on the first
   * version a restore writes (see live-versions.ts).
   */
  base?: boolean;
  /** A restore's copy of an earlier version: which one (its content is the same). */
  restoredFrom?: { version: number; txnSeq: number };
  /** Data that grows: this version's bytes continue the previous version's, from this byte on. */
  offset?: number;
}

/** What a writer hands over for a new file version: bytes in memory or a host file to take. */
export interface FileContent {
  bytes?: Uint8Array;
  hostPath?: string;
  /**
   * The SHA-256 of `hostPath` when its writer computed it already (BlobStore.seal): only for a
   * file in this process's staging folder, which nothing writes again, so it is not read twice.
   */
  sha256?: string;
  timestampColumn?: string;
  minEventTimeUs?: number;
  maxEventTimeUs?: number;
  /**
   * Data only: the bytes follow the latest version's (a growing log file), so the version stores
   * just them and readers see the whole file.
   */
  continues?: boolean;
}

export type NewNode =
  | { kind: 'directory' }
  | { kind: 'symlink'; target: string }
  | { kind: 'file'; type: FileType; content: FileContent }
  | { kind: 'dynamic'; type: EntryType; factory: string; config: string };

interface BaseNode {
  readonly id: NodeId;
  readonly type: EntryType;
  readonly factory?: string;
}

export interface DirectoryNode extends BaseNode {
  readonly type: 'directory';
  /** All entries, sorted by name (byte order). */
  entries(): Promise<DirEntry[]>;
  child(name: string): Promise<PondNode | undefined>;
  /** Adds a new entry, after `checkName` (entry-name.ts); absent on read-only directories. */
  create?(name: string, spec: NewNode): Promise<PondNode>;
  /** Replaces the config of a dynamic child (mknod --overwrite); absent on read-only directories. */
  replaceDynamic?(name: string, spec: Extract<NewNode, { kind: 'dynamic' }>): Promise<PondNode>;
  /** Takes an entry out of this directory; the node and its versions stay in history. */
  remove?(name: string): Promise<void>;
  /**
   * Moves entry `name` into `target` (a writable directory of the same tree, possibly this one)
   * as `newName`: the node keeps its id and its versions. Absent on read-only directories.
   */
  move?(name: string, target: DirectoryNode, newName: string): Promise<void>;
}

export interface FileNode extends BaseNode {
  readonly type: FileType;
  /** Stored versions, oldest first; empty for computed files. */
  versions(): Promise<FileVersion[]>;
  /** The bytes of one version (the latest by default). */
  read(version?: number): Promise<Uint8Array>;
  /** Writes a new version; absent on read-only files. */
  append?(content: FileContent): Promise<FileVersion>;
}

export interface SymlinkNode extends BaseNode {
  readonly type: 'symlink';
  readonly target: string;
}

export type PondNode = DirectoryNode | FileNode | SymlinkNode;

export function isDirectory(n: PondNode): n is DirectoryNode {
  return n.type === 'directory';
}

export function isSymlink(n: PondNode): n is SymlinkNode {
  return n.type === 'symlink';
}

export function isFile(n: PondNode): n is FileNode {
  return n.type === 'data' || n.type === 'table' || n.type === 'series';
}
