import { randomUUID } from 'node:crypto';
import { lstat, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownerIsDead, thisProcess } from '../tlogfs/owner-process.js';

/**
 * The pending list: before an export publishes anything, it writes
 * `OUT/.pond-export-pending-<pid>-<uuid>.json`, naming every file it is about to move into place
 * with the identity of the staged file (inode, size, modification time, which a rename keeps).
 * It removes the list once its export.json is in place. An export killed in between leaves
 * published files that no export.json lists; the next export reads the list and counts a file
 * as written by a pond only while it is still that very file, so a file the user put at one of
 * those paths since is never taken for the pond's.
 */
const PREFIX = '.pond-export-pending-';
const NAME = /^\.pond-export-pending-([1-9]\d{0,9})-[0-9a-f-]+\.json$/;

export interface PendingFile {
  /** Relative to the output folder, with `/`. */
  path: string;
  ino: string;
  size: string;
  mtimeNs: string;
}

interface PendingListJson {
  pond: string;
  pid: number;
  host: string;
  created: string;
  files: PendingFile[];
}

/** A pending list found in an output folder. */
export interface PendingList {
  /** Host path of the list. */
  file: string;
  /** Its export is over (its process is gone, or it is this process and the export ended). */
  abandoned: boolean;
  /** The files it names; empty when the list was cut short (its export published nothing). */
  files: PendingFile[];
}

/** Lists this process is publishing now (the app runs several exports in one process). */
const publishing = new Set<string>();

/**
 * Writes the pending list of the files about to be published (`host` is the staged file, `path`
 * where it goes) and flushes it to disk; returns its host path.
 */
export async function writePendingList(
  outDir: string,
  pond: string,
  files: { path: string; host: string }[],
): Promise<string> {
  const owner = thisProcess();
  const list: PendingListJson = {
    pond,
    pid: owner.pid,
    host: owner.host,
    created: new Date().toISOString(),
    files: [],
  };
  for (const f of files) list.files.push({ path: f.path, ...(await identity(f.host)) });
  const file = join(outDir, `${PREFIX}${owner.pid}-${randomUUID()}.json`);
  publishing.add(file);
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(JSON.stringify(list) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return file;
}

/** Removes a list whose export.json is in place (its own, or a later export's). */
export async function removePendingList(file: string): Promise<void> {
  await rm(file, { force: true });
  publishing.delete(file);
}

/** Marks this process's list as no longer being published (the export failed midway). */
export function abandonPendingList(file: string): void {
  publishing.delete(file);
}

/** The pending lists in an output folder. */
export async function pendingLists(outDir: string): Promise<PendingList[]> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: PendingList[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const file = join(outDir, name);
    const list = await readList(file);
    const pid = list?.pid ?? Number(m[1]);
    const host = list?.host ?? thisProcess().host;
    const abandoned =
      pid === process.pid && host === thisProcess().host
        ? !publishing.has(file)
        : ownerIsDead({ pid, host });
    out.push({ file, abandoned, files: list?.files ?? [] });
  }
  return out;
}

/** The files of a list that are still the very files it names (relative paths). */
export async function stillPublished(outDir: string, list: PendingList): Promise<string[]> {
  const out: string[] = [];
  for (const f of list.files) {
    const now = await identity(join(outDir, f.path)).catch(() => undefined);
    if (now && now.ino === f.ino && now.size === f.size && now.mtimeNs === f.mtimeNs)
      out.push(f.path);
  }
  return out;
}

async function identity(path: string): Promise<Omit<PendingFile, 'path'>> {
  const s = await lstat(path, { bigint: true });
  if (!s.isFile()) throw new Error(`${path} is not a file`);
  return { ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs) };
}

/** A list cut short (killed while writing it) names no file: nothing was published after it. */
async function readList(file: string): Promise<PendingListJson | undefined> {
  const text = await readFile(file, 'utf8');
  try {
    const v = JSON.parse(text) as Partial<PendingListJson>;
    const ok =
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      Array.isArray(v.files) &&
      v.files.every(
        (f) =>
          typeof f?.path === 'string' &&
          typeof f.ino === 'string' &&
          typeof f.size === 'string' &&
          typeof f.mtimeNs === 'string',
      );
    return ok ? (v as PendingListJson) : undefined;
  } catch {
    return undefined;
  }
}
