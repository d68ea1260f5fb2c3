import type { EditResult, RevertPlanInfo, RevertRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { planRevert, revertTxn, type RevertPlan } from '../tlogfs/revert.js';
import { affectedReaders, editResult } from './edit-result.js';

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
  let plan: RevertPlan | undefined;
  const w = await pond.write({ ...meta, reverts: req.txn }, async (txn) => {
    plan = await revertTxn(txn, req.txn, { force: req.force ?? false });
    return affectedReaders(txn, registry);
  });
  return { ...editResult(w), plan: planInfo(plan!) };
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
