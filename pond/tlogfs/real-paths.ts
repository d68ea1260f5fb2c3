import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/**
 * Host paths compared as the disk sees them: where a folder that may not exist yet really lies,
 * and whether it lies inside another (a backup inside the pond, a replica inside its backup, an
 * export outside its root).
 */

/**
 * The real path of `path`: the deepest part that exists with its symlinks resolved, plus the
 * rest (which does not exist yet, so holds no symlink).
 */
export async function realpathOfDeepest(path: string): Promise<string> {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...rest.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

/** Whether `path` is `root` or lies below it (both absolute and already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/**
 * Whether a host path lies in a pond's own folder (`pondRoot`), symlinks resolved: no command
 * writes there but the pond itself (a file copied out to `<pond>/data/_delta_log/<next>.json`
 * would be read as the pond's next transaction).
 */
export async function insidePond(pondRoot: string, path: string): Promise<boolean> {
  return isInside(await realpathOfDeepest(pondRoot), await realpathOfDeepest(path));
}

/** The first of `dir` and the files `rels` below it that lies in the pond's folder, if any. */
export async function firstInsidePond(
  pondRoot: string,
  dir: string,
  rels: string[],
): Promise<string | undefined> {
  const root = await realpathOfDeepest(pondRoot);
  for (const path of [dir, ...rels.map((rel) => join(dir, rel))]) {
    if (isInside(root, await realpathOfDeepest(path))) return path;
  }
  return undefined;
}
