import type { ReadersInfo, ReadersRequest } from '../../shared/api.js';
import { derivedReaders } from '../factories/derived-readers.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { resolvePath } from '../tinyfs/path.js';
import type { Pond } from '../tlogfs/pond.js';

/** Which factory nodes read these paths or anything under them (before a move or delete). */
export async function readersOf(
  pond: Pond,
  registry: FactoryRegistry,
  req: Omit<ReadersRequest, 'pond'>,
): Promise<ReadersInfo> {
  const paths = req.paths.map((p) => resolvePath(p));
  const r = await pond.read((txn) => derivedReaders(txn, registry, paths), req.asOf);
  return { readers: r.readers, unchecked: r.unchecked };
}
