import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import type { NodeId } from '../tinyfs/node-id.js';
import type { StoredEntry } from './directory-snapshot.js';
import type { OplogRow } from './oplog.js';
import type { PondTxn } from './transaction.js';

/** An entry of a stored directory listing: which directory, under which name. */
export interface Slot {
  dirId: NodeId;
  name: string;
  entry: StoredEntry;
}

/** A node whose place a transaction changed: where it was listed before and after it. */
export interface Relisted {
  id: NodeId;
  type: EntryType;
  /** Absent: the transaction put it in the tree (made it, or brought it back). */
  before?: Slot;
  /** Absent: the transaction took it out of the tree (removed it). */
  after?: Slot;
}

/** A node that existed before the transaction and got new versions in it. */
export interface Rewritten {
  id: NodeId;
  home: NodeId;
  type: EntryType;
  factory: boolean;
}

/** A node the transaction made: the rows of its first versions. */
export interface Made {
  id: NodeId;
  home: NodeId;
}

/** Exactly what one transaction changed, read from the oplog rows it wrote. */
export interface TxnChanges {
  seq: number;
  relisted: Relisted[];
  rewritten: Rewritten[];
  made: Made[];
}

/**
 * What transaction `seq` changed, from the rows it wrote (every one of them, in every
 * partition; the commit's summary of changes is for people and may be cut short):
 * - each stored directory it wrote a listing of is compared with its listing before, so every
 *   entry that appeared, disappeared or was renamed is known by node id (a node leaving one
 *   directory and appearing in another was moved);
 * - each other node it wrote a version of either existed before (new content) or was made.
 * A directory made by the transaction is not compared: undoing it is removing its entry.
 */
export async function txnChanges(txn: PondTxn, seq: number): Promise<TxnChanges> {
  const last = txn.lastVisible;
  if (!Number.isInteger(seq) || seq < 1 || seq > last) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `transaction ${seq} does not exist: this pond has transactions 1 to ${last}`,
      { input: String(seq) },
    );
  }
  if (seq === 1) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      'transaction 1 made the pond: there is nothing before it to go back to',
      { input: '1' },
    );
  }
  const reader = txn.services.reader;
  const rows = await reader.writtenIn(seq);
  if (rows.length === 0) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `transaction ${seq} changed no files (it was maintenance or an automatic compaction): there is nothing to revert`,
      { input: String(seq) },
    );
  }
  const listings = new Map<NodeId, OplogRow>();
  const versions = new Map<NodeId, OplogRow>();
  for (const r of rows) {
    const isListing = r.entry_type === 'directory' && r.factory === null && r.part_id === r.node_id;
    const into = isListing ? listings : versions;
    const prev = into.get(r.node_id);
    if (!prev || r.version > prev.version) into.set(r.node_id, r);
  }

  const made: Made[] = [];
  const relisted = new Map<NodeId, Relisted>();
  const relist = (e: StoredEntry): Relisted => {
    let r = relisted.get(e.id);
    if (!r) relisted.set(e.id, (r = { id: e.id, type: e.type }));
    return r;
  };
  for (const [dirId, row] of listings) {
    const beforeRow = await reader.latest(dirId, dirId, seq - 1);
    if (!beforeRow) {
      made.push({ id: dirId, home: dirId });
      continue;
    }
    const before = await txn.decodeSnapshot(beforeRow, `directory ${dirId}`);
    const after = await txn.decodeSnapshot(row, `directory ${dirId}`);
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      const b = before.get(name);
      const a = after.get(name);
      if (b?.id === a?.id) continue;
      if (b) relist(b).before = { dirId, name, entry: b };
      if (a) relist(a).after = { dirId, name, entry: a };
    }
  }

  const rewritten: Rewritten[] = [];
  await prefetchNodes(
    txn,
    [...versions.values()].map((r) => ({ id: r.node_id, home: r.part_id })),
  );
  for (const [id, row] of versions) {
    const home = row.part_id;
    if (await reader.latest(home, id, seq - 1)) {
      rewritten.push({ id, home, type: row.entry_type, factory: row.factory !== null });
    } else {
      made.push({ id, home });
    }
  }
  return { seq, relisted: [...relisted.values()], rewritten, made };
}

/** Fills the reader's cache with the rows of many nodes, one query per partition and batch. */
export async function prefetchNodes(
  txn: PondTxn,
  nodes: Iterable<{ id: NodeId; home: NodeId }>,
): Promise<void> {
  const byHome = new Map<NodeId, NodeId[]>();
  for (const n of nodes) {
    const list = byHome.get(n.home);
    if (list) list.push(n.id);
    else byHome.set(n.home, [n.id]);
  }
  for (const [home, ids] of byHome) await txn.services.reader.prefetch(home, ids);
}
