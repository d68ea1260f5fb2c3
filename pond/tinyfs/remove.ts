import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from './entry-type.js';
import type { NodeId } from './node-id.js';
import { isDirectory } from './node.js';
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
    // The entry, not the node: a factory node whose config no longer reads can still go.
    const at = await wd.entryAt(path);
    if (!at) {
      throw new PondError(ErrorCode.InvalidArgument, 'the root directory cannot be removed', {
        input: path,
      });
    }
    const { entry } = at;
    if (!entry) throw notFound(path);
    if (entry.type === 'directory' && entry.factory === undefined && !options.recursive) {
      const dir = await at.parent.child(at.name);
      const n = dir && isDirectory(dir) ? (await dir.entries()).length : 0;
      if (n > 0) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `'${at.path}' is a directory with ${n} ${n === 1 ? 'entry' : 'entries'}: use -r to remove it with everything in it`,
          { input: path },
        );
      }
    }
    if (!at.parent.remove) {
      throw new PondError(
        ErrorCode.ReadOnly,
        `'${at.path}' is inside '${at.parentPath}', which is read-only (computed or mounted)`,
        { input: path },
      );
    }
    await at.parent.remove(at.name);
    out.push({ path: at.path, type: entry.type, id: entry.id });
  }
  return out;
}
