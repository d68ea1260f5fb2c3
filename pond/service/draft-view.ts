import type { DraftNode } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { refuseFromApp } from './app-drafts.js';
import { placeNode, validateNode, type PlaceResult } from './mknod.js';
import type { OpenPond } from './pond-registry.js';

/**
 * The view of the pond a read of the app runs in: as of a transaction, or the latest with a
 * draft factory node placed in a transaction that is never committed (the node editor's
 * preview: its rows, chart and details before anything is written).
 */
export function readView<T>(
  open: OpenPond,
  req: { asOf?: number; draft?: DraftNode },
  fn: (txn: PondTxn) => Promise<T>,
): Promise<T> {
  const { draft } = req;
  if (!draft) return open.pond.read(fn, req.asOf);
  if (req.asOf !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `a draft node is built on the latest transaction, not as of transaction ${req.asOf}`,
      { input: String(req.asOf) },
    );
  }
  return open.pond.draft(async (txn) => {
    await placeDraft(txn, open.registry, draft);
    return fn(txn);
  });
}

/**
 * mknod on a write transaction, for the app: what the app may make (see refuseFromApp), the
 * config checked, the node placed and built.
 */
export async function placeDraft(
  txn: PondTxn,
  registry: FactoryRegistry,
  draft: DraftNode,
  warn?: (m: string) => void,
): Promise<PlaceResult> {
  refuseFromApp(registry, draft);
  validateNode(registry, draft);
  return placeNode(txn, registry, draft, {
    overwrite: draft.overwrite,
    ...(warn ? { warn } : {}),
  });
}
