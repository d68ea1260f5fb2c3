import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writing output beside its place and renaming it in. The temporary names carry the writing
 * process's id, so a later export can tell the leftovers of a process that died (kill -9,
 * power loss) from the work of one still running, and remove only the former.
 */
const STAGING = '.pond-staging-';
const ASIDE = '.pond-old-';

/** A fresh staging folder inside `outDir` (same file system, so publishing is a rename). */
export async function stagingDir(outDir: string): Promise<string> {
  const dir = join(outDir, `${STAGING}${process.pid}-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Moves a staged file or folder to its final place, replacing what was there: the old output is
 * renamed aside first and removed after, so readers see the old or the new, never a mix.
 */
export async function publish(staged: string, final: string): Promise<void> {
  await mkdir(dirname(final), { recursive: true });
  const aside = `${final}${ASIDE}${process.pid}-${randomUUID()}`;
  let hadOld = true;
  try {
    await rename(final, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    hadOld = false;
  }
  await rename(staged, final);
  if (hadOld) await rm(aside, { recursive: true, force: true });
}

/**
 * Removes what exports killed midway left: staging folders in `outDir`, and old outputs set
 * aside next to `places` (paths under `outDir`), whose process is gone. Nothing else is touched.
 */
export async function removeAbandoned(outDir: string, places: string[]): Promise<string[]> {
  const removed: string[] = [];
  const folders = new Map<string, Set<string>>([[outDir, new Set([''])]]);
  for (const p of places) {
    const full = join(outDir, p);
    const set = folders.get(dirname(full)) ?? new Set<string>();
    set.add(basename(full));
    folders.set(dirname(full), set);
  }
  for (const [folder, names] of folders) {
    let entries: string[];
    try {
      entries = await readdir(folder);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const pid = abandonedPid(entry, names);
      if (pid !== undefined && !alive(pid)) {
        await rm(join(folder, entry), { recursive: true, force: true });
        removed.push(join(folder, entry));
      }
    }
  }
  return removed;
}

/** The pid in a staging name (`names` holds ''), or in `<name>.pond-old-<pid>-...` of a place. */
function abandonedPid(entry: string, names: Set<string>): number | undefined {
  if (names.has('')) {
    const m = new RegExp(`^${escape(STAGING)}(\\d+)-`).exec(entry);
    if (m) return Number(m[1]);
  }
  const at = entry.lastIndexOf(ASIDE);
  if (at < 0 || !names.has(entry.slice(0, at))) return undefined;
  const m = /^(\d+)-/.exec(entry.slice(at + ASIDE.length));
  return m ? Number(m[1]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
