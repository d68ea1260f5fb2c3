import type { EditResult, RemoveRequest } from '../../shared/api.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { removePaths } from '../tinyfs/remove.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { affectedReaders, editResult } from './edit-result.js';

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
  const w = await pond.write(meta, async (txn) => {
    await removePaths(await txn.wd(), req.paths, { recursive: req.recursive ?? false });
    return affectedReaders(txn, registry);
  });
  return editResult(w);
}
