import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from './actions.js';
import { absoluteDataPath } from './data-paths.js';

/**
 * Makes a file's bytes durable (fsync): after a power loss, what a commit names must be on disk,
 * not only in the page cache that survives a kill -9.
 */
export async function syncFile(file: string): Promise<void> {
  const h = await open(file, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Makes a folder's entries durable (a new name in it survives a power loss). */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Every data file a commit adds, and the folders that hold them, made durable before the commit
 * that names them is written: a commit never survives a crash that its files do not.
 */
export async function syncAddedFiles(root: string, actions: Action[]): Promise<void> {
  const files = actions.flatMap((a) => ('add' in a ? [absoluteDataPath(root, a.add.path)] : []));
  const dirs = new Set<string>();
  for (const f of files) {
    await syncFile(f);
    // The file's folder, and the folders above it up to the table's root (a new partition
    // folder is itself a new entry in its parent).
    for (let d = path.dirname(f); d.startsWith(root) && !dirs.has(d); d = path.dirname(d)) {
      dirs.add(d);
      if (d === root) break;
    }
  }
  for (const d of dirs) await syncDir(d);
}
