import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ownerIsDead, thisProcess, type OwnerProcess } from './owner-process.js';

/**
 * Staging: where a writer puts the files it is still making (a CSV converted to Parquet, a blob
 * being hashed) before they are renamed into place as blobs. Each process that writes to a pond
 * has its own folder, `data/_large_files/_staging/<pid>-<uuid>@<host>/`, whose name records its
 * owner, so cleanup tells a live writer's files from a dead one's without taking any lock:
 * `maintain` removes a folder only when its owner is gone (a process on this host that no longer
 * exists), or, for another host, when nothing in it changed for a week. The owner removes its
 * folder when it ends: normally, by an error, or by SIGINT, SIGTERM or SIGHUP (kill -9 leaves it
 * for `maintain`). The folder sits beside the blobs, so placing a staged file is a rename.
 */

export const STAGING_DIR = '_staging';

/** Another host's staging folder is removed only after this long without a change. */
export const REMOTE_STAGING_MAX_IDLE_MS = 7 * 24 * 3600 * 1000;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FOLDER = new RegExp(`^([1-9]\\d{0,9})-${UUID}@(.+)$`);

export function stagingFolderName(owner: OwnerProcess, id: string): string {
  return `${owner.pid}-${id}@${encodeURIComponent(owner.host)}`;
}

/** The owner a staging folder's name records; undefined for a name our writers never make. */
export function stagingFolderOwner(name: string): OwnerProcess | undefined {
  const m = FOLDER.exec(name);
  if (!m) return undefined;
  try {
    return { pid: Number(m[1]), host: decodeURIComponent(m[2]!) };
  } catch {
    return undefined;
  }
}

/** This process's staging folder in each pond it wrote to (staging root -> folder). */
const mine = new Map<string, string>();

/** This process's staging folder in the pond whose blobs live in `blobDir`, made on first use. */
export async function ownStagingFolder(blobDir: string): Promise<string> {
  const root = join(blobDir, STAGING_DIR);
  let folder = mine.get(root);
  if (folder === undefined) {
    folder = join(root, stagingFolderName(thisProcess(), randomUUID()));
    mine.set(root, folder);
    removeWhenTheProcessEnds();
  }
  // Made on every call (cheap): a folder someone removed by hand comes back.
  await mkdir(folder, { recursive: true });
  return folder;
}

/** Whether `path` is inside one of this process's staging folders (a file we made). */
export function isOwnStagedFile(path: string): boolean {
  for (const folder of mine.values()) if (path.startsWith(folder + sep)) return true;
  return false;
}

/**
 * Removes this process's staging folder in one pond (whose blobs live in `blobDir`), e.g. before
 * a pond built in a temp folder is renamed into place, where the exit hook would not find it.
 */
export async function releaseStagingFolder(blobDir: string): Promise<void> {
  const root = join(blobDir, STAGING_DIR);
  const folder = mine.get(root);
  if (folder === undefined) return;
  mine.delete(root);
  await rm(folder, { recursive: true, force: true });
  await rmdir(root).catch(() => undefined); // only when empty: other writers may be staging
}

/** Removes this process's staging folders and what is in them (synchronous: runs at exit). */
export function removeOwnStaging(): void {
  for (const folder of mine.values()) rmSync(folder, { recursive: true, force: true });
  mine.clear();
}

let hooked = false;

function removeWhenTheProcessEnds(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeOwnStaging);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Another handler owns the shutdown (pond serve): it ends the process, and 'exit' cleans up.
      if (process.listenerCount(signal) > 1) return;
      removeOwnStaging();
      process.removeListener(signal, onSignal);
      // Then the signal's default action, so the process ends as it would have without us.
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

export interface StagingFolder {
  path: string;
  owner: OwnerProcess;
  /** The newest change (ms) to the folder or to anything directly in it. */
  lastChangeMs: number;
  /** Why cleanup may remove the folder; undefined while its owner may still be using it. */
  leftover: string | undefined;
}

export interface StagingListing {
  folders: StagingFolder[];
  /** Paths under the staging root that our writers never make. */
  foreign: string[];
}

/** The staging folders of a pond, each with whether its owner may still be using it. */
export async function listStaging(blobDir: string, now = Date.now()): Promise<StagingListing> {
  const root = join(blobDir, STAGING_DIR);
  const out: StagingListing = { folders: [], foreign: [] };
  const rootStat = await lstat(root).catch(() => undefined);
  if (!rootStat) return out;
  if (!rootStat.isDirectory()) return { folders: [], foreign: [root] };
  for (const e of await readdir(root, { withFileTypes: true })) {
    const path = join(root, e.name);
    const owner = e.isDirectory() ? stagingFolderOwner(e.name) : undefined;
    if (!owner) {
      out.foreign.push(path);
      continue;
    }
    const lastChangeMs = await lastChange(path);
    if (lastChangeMs === undefined) continue; // removed meanwhile by its owner
    out.folders.push({
      path,
      owner,
      lastChangeMs,
      leftover: leftoverReason(owner, lastChangeMs, now),
    });
  }
  return out;
}

function leftoverReason(
  owner: OwnerProcess,
  lastChangeMs: number,
  now: number,
): string | undefined {
  const self = thisProcess();
  if (owner.pid === self.pid && owner.host === self.host) return undefined;
  if (ownerIsDead(owner)) return `its writer (pid ${owner.pid}) has ended`;
  if (owner.host !== self.host && now - lastChangeMs > REMOTE_STAGING_MAX_IDLE_MS) {
    const days = Math.floor((now - lastChangeMs) / (24 * 3600 * 1000));
    return `its writer on ${owner.host} (pid ${owner.pid}) has not changed it for ${days} days`;
  }
  return undefined;
}

async function lastChange(folder: string): Promise<number | undefined> {
  const st = await lstat(folder).catch(() => undefined);
  if (!st) return undefined;
  let newest = st.mtimeMs;
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const s = await lstat(join(folder, name)).catch(() => undefined);
    if (s && s.mtimeMs > newest) newest = s.mtimeMs;
  }
  return newest;
}
