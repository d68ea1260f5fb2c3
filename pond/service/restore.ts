import type { EditResult, RestoreRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { restorePath } from '../tlogfs/restore.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { affectedReaders, editResult, type Affected } from './edit-result.js';

/**
 * `pond restore PATH --as-of N` and the app's "Restore this version": PATH (and what is under
 * it) as it was at transaction N, as new versions in one transaction; nothing when it already
 * is (see tlogfs/restore.ts).
 */
export async function restoreInPond(
  pond: Pond,
  registry: FactoryRegistry,
  req: Omit<RestoreRequest, 'pond'>,
  meta: TxnMeta,
): Promise<EditResult> {
  return editResult(await pond.write(meta, (txn) => restoreInTxn(txn, registry, req)));
}

/** The restore, as a step of a write transaction (the app's write jobs). */
export async function restoreInTxn(
  txn: PondTxn,
  registry: FactoryRegistry,
  req: Omit<RestoreRequest, 'pond'>,
): Promise<Affected> {
  await restorePath(txn, req.path, req.asOf);
  return affectedReaders(txn, registry);
}
