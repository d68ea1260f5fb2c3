import type { AffectedReaderInfo, ChangeInfo, EditResult } from '../../shared/api.js';
import { derivedReaders } from '../factories/derived-readers.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { WriteResult } from '../tlogfs/pond.js';
import type { Change, PondTxn } from '../tlogfs/transaction.js';

export function changeInfo(c: Change): ChangeInfo {
  const out: ChangeInfo = { path: c.path, action: c.action, kind: c.type };
  if (c.from !== undefined) out.from = c.from;
  if (c.asOf !== undefined) out.asOf = c.asOf;
  return out;
}

/** The factory nodes an edit affects (the part of an EditResult the edit itself computes). */
export type Affected = Pick<EditResult, 'readers' | 'unchecked'>;

/**
 * The factory nodes an edit affects, from what it changed so far in `txn`: those that read a
 * path it moved away or removed (matched as the pond was before the edit), and those that now
 * read a path it moved in or brought back (matched in the edit's own view). Nothing is rewritten.
 */
export async function affectedReaders(txn: PondTxn, registry: FactoryRegistry): Promise<Affected> {
  const left = txn.changes
    .filter((c) => c.action === 'moved' || c.action === 'removed')
    .map((c) => c.from ?? c.path);
  const arrived = txn.changes
    .filter((c) => c.action === 'moved' || c.action === 'restored')
    .map((c) => c.path);
  const before = await derivedReaders(txn.before(), registry, left);
  const after = await derivedReaders(txn, registry, arrived);
  const byPath = new Map<string, AffectedReaderInfo>();
  const entry = (path: string, factory: string) => {
    let r = byPath.get(path);
    if (!r) byPath.set(path, (r = { path, factory, lost: [], gained: [] }));
    return r;
  };
  for (const r of before.readers) entry(r.path, r.factory).lost.push(...r.reads);
  for (const r of after.readers) entry(r.path, r.factory).gained.push(...r.reads);
  const unchecked = new Map([...before.unchecked, ...after.unchecked].map((u) => [u.path, u]));
  return {
    readers: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
    unchecked: [...unchecked.values()],
  };
}

/** An edit's transaction, its changes and the readers it affects, for the CLI and the app. */
export function editResult(w: WriteResult<Affected>): EditResult {
  const out: EditResult = { changes: w.changes.map(changeInfo), ...w.result };
  if (w.seq !== undefined) out.txn = w.seq;
  return out;
}

/**
 * What an edit in a write job did so far, from the transaction it runs in (the job's result
 * carries the transaction number beside it: WriteJobResult).
 */
export function txnEditResult(txn: PondTxn, affected: Affected): EditResult {
  return { changes: txn.changes.map(changeInfo), ...affected };
}
