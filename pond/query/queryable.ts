import type { FileNode } from '../tinyfs/node.js';
import type { PondTxn } from '../tlogfs/transaction.js';

/** An optional window on event time, µs since the epoch, both ends inclusive. */
export interface TimeRange {
  startUs?: number;
  endUs?: number;
}

export interface RelationOptions {
  /** Lets series reads skip versions whose recorded bounds lie outside the window. */
  timeRange?: TimeRange;
}

/**
 * What a relation is built in: the transaction whose tree patterns resolve against, and the
 * chain of nodes being expanded (to refuse a derived node that reads itself).
 */
export interface QueryContext {
  txn: PondTxn;
  /** Derived nodes being expanded, outermost first (a node met twice reads itself). */
  expanding: readonly { id: string; path: string }[];
}

/**
 * A file whose content is a relation computed by a factory (a derived table or series).
 * `relation` returns SQL usable as `FROM (<sql>)`; DuckDB plans the whole chain as one query.
 */
export interface DerivedFile extends FileNode {
  readonly derived: true;
  /** The path the node was made at, for messages. */
  readonly path: string;
  relation(ctx: QueryContext, options?: RelationOptions): Promise<string>;
}

export function isDerivedFile(node: FileNode): node is DerivedFile {
  return (node as Partial<DerivedFile>).derived === true;
}
