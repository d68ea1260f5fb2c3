import type { EditResult, RevertPlanInfo, RevertRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { planRevert, revertTxn, type RevertPlan } from '../tlogfs/revert.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { affectedReaders, editResult, type Affected } from './edit-result.js';

/** What reverting transaction `txn` would do and what stands in its way, without writing. */
export async function revertPlan(pond: Pond, txn: number): Promise<RevertPlanInfo> {
  return planInfo(await pond.read((view) => planRevert(view, txn)));
}

/**
 * `pond revert N` and the app's "Revert this transaction" and Undo: a new transaction that
 * undoes what transaction N changed (see tlogfs/revert.ts); refused with the conflicting paths
 * when later transactions changed the same nodes, unless `force`.
 */
export async function revertInPond(
  pond: Pond,
  registry: FactoryRegistry,
  req: Omit<RevertRequest, 'pond'>,
  meta: TxnMeta,
): Promise<EditResult & { plan: RevertPlanInfo }> {
  let plan: RevertPlanInfo | undefined;
  const w = await pond.write({ ...meta, reverts: req.txn }, async (txn) => {
    const r = await revertInTxn(txn, registry, req);
    plan = r.plan;
    return r.affected;
  });
  return { ...editResult(w), plan: plan! };
}

/**
 * The revert, as the step of a write transaction (the app's write jobs); the transaction's
 * metadata must name the reverted transaction (TxnMeta.reverts).
 */
export async function revertInTxn(
  txn: PondTxn,
  registry: FactoryRegistry,
  req: Omit<RevertRequest, 'pond'>,
): Promise<{ affected: Affected; plan: RevertPlanInfo }> {
  const plan: RevertPlan = await revertTxn(txn, req.txn, { force: req.force ?? false });
  return { affected: await affectedReaders(txn, registry), plan: planInfo(plan) };
}

function planInfo(p: RevertPlan): RevertPlanInfo {
  return {
    txn: p.txn,
    steps: p.steps.map((s) => ({
      kind: s.kind,
      path: s.path,
      ...(s.to === undefined ? {} : { to: s.to }),
      entryKind: s.type,
    })),
    conflicts: p.conflicts.map((c) => ({ ...c })),
  };
}
