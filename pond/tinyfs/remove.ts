import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from './entry-type.js';
import type { NodeId } from './node-id.js';
import { isDirectory } from './node.js';
import { dirname } from './path.js';
import { notFound, type WD } from './wd.js';

export interface Removed {
  path: string;
  type: EntryType;
  id: NodeId;
}

/**
 * `rm PATH...`: each entry leaves its directory (a symlink itself, not its target). A stored
 * directory with entries needs `recursive`; a factory node is one entry whatever it computes.
 * Nodes and their versions stay in history (readable with --as-of, restorable). The first
 * refusal throws; the caller's transaction then commits nothing.
 */
export async function removePaths(
  wd: WD,
  paths: string[],
  options: { recursive?: boolean } = {},
): Promise<Removed[]> {
  if (paths.length === 0) throw new PondError(ErrorCode.InvalidArgument, 'rm needs a path');
  const out: Removed[] = [];
  for (const path of paths) {
    const r = await wd.lookup(path, { follow: false });
    if (!r.found) throw notFound(path);
    if (!r.parent) {
      throw new PondError(ErrorCode.InvalidArgument, 'the root directory cannot be removed', {
        input: path,
      });
    }
    if (isDirectory(r.node) && r.node.factory === undefined && !options.recursive) {
      const n = (await r.node.entries()).length;
      if (n > 0) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `'${r.path}' is a directory with ${n} ${n === 1 ? 'entry' : 'entries'}: use -r to remove it with everything in it`,
          { input: path },
        );
      }
    }
    if (!r.parent.remove) {
      throw new PondError(
        ErrorCode.ReadOnly,
        `'${r.path}' is inside '${dirname(r.path)}', which is read-only (computed or mounted)`,
        { input: path },
      );
    }
    await r.parent.remove(r.name);
    out.push({ path: r.path, type: r.node.type, id: r.node.id });
  }
  return out;
}
