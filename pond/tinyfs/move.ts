import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from './entry-type.js';
import type { NodeId } from './node-id.js';
import { isDirectory, type DirEntry, type DirectoryNode } from './node.js';
import { checkName } from './entry-name.js';
import { hasTrailingSlash, joinPath } from './path.js';
import { notFound, type WD } from './wd.js';

export interface Moved {
  from: string;
  to: string;
  type: EntryType;
  id: NodeId;
}

/**
 * `mv SRC... DST` within one tree, as POSIX mv: a DST that is an existing directory receives
 * the sources under their names; otherwise DST is the new path of a single source (its parent
 * must exist). Nodes keep their ids and versions. Refused: the root, a directory into itself,
 * an existing target (remove it first: nothing is replaced implicitly), and moves out of or into
 * read-only (dynamic or mounted) directories. The first refusal throws; the caller's transaction
 * then commits nothing.
 */
export async function movePaths(wd: WD, sources: string[], dest: string): Promise<Moved[]> {
  if (sources.length === 0) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      'mv needs at least one source and a destination',
    );
  }
  if (sources.length > 1) {
    const d = await wd.lookup(dest);
    if (!d.found || !isDirectory(d.node)) {
      throw new PondError(
        d.found ? ErrorCode.WrongType : ErrorCode.NotFound,
        `'${dest}' is not an existing directory: moving several paths needs one`,
        { input: dest },
      );
    }
  }
  const out: Moved[] = [];
  for (const s of sources) out.push(await moveOne(wd, s, dest));
  return out;
}

async function moveOne(wd: WD, source: string, dest: string): Promise<Moved> {
  // The entry, not the node: a factory node whose config no longer reads can still move.
  const s = await wd.entryAt(source);
  if (!s) {
    throw new PondError(ErrorCode.InvalidArgument, 'the root directory cannot be moved', {
      input: source,
    });
  }
  if (!s.entry) throw notFound(source);
  const { entry } = s;
  if (!s.parent.move) {
    throw new PondError(
      ErrorCode.ReadOnly,
      `'${s.path}' is inside '${s.parentPath}', which is read-only (computed or mounted): it cannot be moved`,
      { input: source },
    );
  }
  // The destination is looked up again for every source: an earlier move may have changed it.
  // A file or a computed directory there is refused from its entry, without building it.
  const at = await wd.entryAt(dest);
  if (at?.entry && at.entry.type !== 'symlink' && !isStoredDirectory(at.entry)) {
    if (at.path === s.path) {
      throw new PondError(ErrorCode.InvalidArgument, `'${s.path}' is already at '${dest}'`, {
        input: source,
      });
    }
    throw at.entry.type === 'directory'
      ? new PondError(
          ErrorCode.ReadOnly,
          `'${at.path}' is read-only (computed or mounted): nothing can be moved into it`,
          { input: dest },
        )
      : new PondError(
          ErrorCode.AlreadyExists,
          `'${at.path}' already exists: remove it first (pond rm) or choose another name`,
          { input: dest },
        );
  }
  const d = await wd.lookup(dest);
  let dir: DirectoryNode;
  let dirPath: string;
  let name: string;
  if (d.found) {
    if (d.path === s.path) {
      throw new PondError(ErrorCode.InvalidArgument, `'${s.path}' is already at '${dest}'`, {
        input: source,
      });
    }
    if (!isDirectory(d.node)) {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `'${d.path}' already exists: remove it first (pond rm) or choose another name`,
        { input: dest },
      );
    }
    [dir, dirPath, name] = [d.node, d.path, s.name];
  } else {
    if (hasTrailingSlash(dest)) {
      throw new PondError(ErrorCode.NotFound, `'${dest}' is not an existing directory`, {
        input: dest,
      });
    }
    [dir, dirPath, name] = [d.parent, d.parentPath, d.name];
  }
  checkName(name);
  const to = joinPath(dirPath, name);
  if (entry.type === 'directory' && (dirPath === s.path || dirPath.startsWith(`${s.path}/`))) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `cannot move '${s.path}' into itself ('${to}')`,
      { input: source },
    );
  }
  if (to === s.path) {
    throw new PondError(ErrorCode.InvalidArgument, `'${s.path}' is already at '${to}'`, {
      input: source,
    });
  }
  if ((await dir.entries()).some((e) => e.name === name)) {
    throw new PondError(
      ErrorCode.AlreadyExists,
      `'${to}' already exists: remove it first (pond rm) or choose another name`,
      { input: to },
    );
  }
  if (!dir.create) {
    throw new PondError(
      ErrorCode.ReadOnly,
      `'${dirPath}' is read-only (computed or mounted): nothing can be moved into it`,
      { input: dest },
    );
  }
  await s.parent.move(s.name, dir, name);
  return { from: s.path, to, type: entry.type, id: entry.id };
}

function isStoredDirectory(e: DirEntry): boolean {
  return e.type === 'directory' && e.factory === undefined;
}
