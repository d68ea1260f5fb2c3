import type { EditResult, MoveRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { movePaths } from '../tinyfs/move.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { affectedReaders, editResult, type Affected } from './edit-result.js';

/**
 * `pond mv` and the app's rename and move: one transaction; nodes keep their ids and versions
 * (see tinyfs/move.ts for what is refused). Factory nodes that read a moved path are reported,
 * not rewritten.
 */
export async function moveInPond(
  pond: Pond,
  registry: FactoryRegistry,
  req: Omit<MoveRequest, 'pond'>,
  meta: TxnMeta,
): Promise<EditResult> {
  return editResult(await pond.write(meta, (txn) => moveInTxn(txn, registry, req)));
}

/** The move, as a step of a write transaction (the app's write jobs). */
export async function moveInTxn(
  txn: PondTxn,
  registry: FactoryRegistry,
  req: Omit<MoveRequest, 'pond'>,
): Promise<Affected> {
  await movePaths(await txn.wd(), req.sources, req.dest);
  return affectedReaders(txn, registry);
}
