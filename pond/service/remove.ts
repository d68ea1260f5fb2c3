import type { EditResult, RemoveRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { removePaths } from '../tinyfs/remove.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { affectedReaders, editResult, type Affected } from './edit-result.js';

/**
 * `pond rm` and the app's Delete: one transaction; the entries leave their directories and
 * their versions stay readable as of earlier transactions (and can be restored). Factory nodes
 * that read a removed path are reported, not rewritten.
 */
export async function removeFromPond(
  pond: Pond,
  registry: FactoryRegistry,
  req: Omit<RemoveRequest, 'pond'>,
  meta: TxnMeta,
): Promise<EditResult> {
  return editResult(await pond.write(meta, (txn) => removeInTxn(txn, registry, req)));
}

/** The removal, as a step of a write transaction (the app's write jobs). */
export async function removeInTxn(
  txn: PondTxn,
  registry: FactoryRegistry,
  req: Omit<RemoveRequest, 'pond'>,
): Promise<Affected> {
  await removePaths(await txn.wd(), req.paths, { recursive: req.recursive ?? false });
  return affectedReaders(txn, registry);
}
