import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Pond paths are POSIX-like and absolute once normalized: "/a/b". `.` and `..` are resolved
 * lexically; `..` above the root is an error, so nothing can escape the root.
 */

/** Splits a path into its names, dropping empty and `.` parts; `..` is kept for the caller. */
function rawParts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Resolves `path` against the absolute directory `cwd` into normalized names. */
export function resolveParts(path: string, cwd: string = '/'): string[] {
  const parts = path.startsWith('/') ? [] : rawParts(cwd);
  for (const p of rawParts(path)) {
    if (p === '..') {
      if (parts.length === 0) {
        throw new PondError(ErrorCode.PathEscape, `path '${path}' escapes the root`, {
          input: path,
        });
      }
      parts.pop();
    } else {
      parts.push(p);
    }
  }
  return parts;
}

/** The normalized absolute path: resolve('b/../c', '/a') = '/a/c'. */
export function resolvePath(path: string, cwd: string = '/'): string {
  return joinParts(resolveParts(path, cwd));
}

export function joinParts(parts: readonly string[]): string {
  return '/' + parts.join('/');
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function basename(path: string): string {
  const parts = rawParts(path);
  return parts[parts.length - 1] ?? '';
}

export function dirname(path: string): string {
  return joinParts(resolveParts(path).slice(0, -1));
}

export function hasTrailingSlash(path: string): boolean {
  return path.length > 1 && path.endsWith('/');
}
