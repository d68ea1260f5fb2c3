import { lstat, readdir } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { PondLayout } from './layout.js';

/**
 * Refuses to make a pond where it would take over files it did not write: a pond's cleanup
 * removes what it finds in its own folders, so `data/`, `cache/` and `pond.lock` must be absent
 * or empty folders. Other files beside them (a project folder) are fine: the pond never looks at
 * them. The error names the folder and what is there.
 */
export async function checkNewPondFolder(layout: PondLayout): Promise<void> {
  const root = await lstat(layout.root).catch(() => undefined);
  if (root && !root.isDirectory()) {
    throw new PondError(
      ErrorCode.AlreadyExists,
      `cannot make a pond at ${layout.root}: it is a ${kind(root)}, not a folder`,
      { input: layout.root },
    );
  }
  if (!root) return;
  const inUse: string[] = [];
  for (const [path, name] of [
    [layout.data, 'data'],
    [layout.cache, 'cache'],
    [layout.lock, 'pond.lock'],
  ] as const) {
    const st = await lstat(path).catch(() => undefined);
    if (!st) continue;
    if (!st.isDirectory()) {
      inUse.push(`${name} exists (a ${kind(st)})`);
      continue;
    }
    const names = (await readdir(path)).sort();
    if (name === 'data' && names.includes('_delta_log')) {
      throw new PondError(ErrorCode.AlreadyExists, `a pond already exists at ${layout.root}`, {
        input: layout.root,
      });
    }
    if (names.length > 0) inUse.push(`${name}/ holds ${sample(names)}`);
  }
  if (inUse.length > 0) {
    throw new PondError(
      ErrorCode.AlreadyExists,
      `cannot make a pond at ${layout.root}: ${inUse.join('; ')}. The pond keeps its own files ` +
        `at these paths and would take what is there for its own: choose a new or empty folder, ` +
        `or move them away`,
      { input: layout.root },
    );
  }
}

function kind(st: {
  isFile(): boolean;
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
}): string {
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isDirectory()) return 'folder';
  return 'special file';
}

function sample(names: string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
