import { stat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { RecentPond } from '../../shared/api.js';
import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import { acquireWriteLock } from '../tlogfs/write-lock.js';

const KEPT = 12;
/** How long an update waits for another process's update of the same list. */
const LOCK_WAIT_MS = 10_000;

const fileSchema = z.object({
  version: z.literal(1),
  ponds: z.array(z.object({ path: z.string(), name: z.string(), lastOpened: z.string() })),
});

type Stored = Omit<RecentPond, 'missing'>;

/**
 * The ponds the user opened, newest first, kept as JSON in the app's data folder. The list is
 * also the allow-list of host paths the UI may name (`openRecent`).
 *
 * One list per data folder, shared on purpose by the desktop app and every `pond serve` that
 * uses the folder: it is the user's list. Each update is a read-modify-write under a lock file
 * beside it (`recent-ponds.json.lock`, taken over when its process has died), written to a temp
 * file and renamed, so two processes opening ponds at once both land on the list and a reader
 * never sees half a file. A pond whose folder no longer holds a pond is listed as `missing`.
 */
export class RecentPonds {
  constructor(readonly file: string) {}

  static in(appData: string): RecentPonds {
    return new RecentPonds(join(appData, 'recent-ponds.json'));
  }

  async list(): Promise<RecentPond[]> {
    const ponds = await this.read();
    return Promise.all(
      ponds.map(async (p) => ((await holdsPond(p.path)) ? p : { ...p, missing: true })),
    );
  }

  async has(path: string): Promise<boolean> {
    return (await this.read()).some((p) => p.path === path);
  }

  /** Puts a pond at the top of the list. */
  add(path: string, name: string, when = new Date()): Promise<void> {
    return this.update((ponds) => [
      { path, name, lastOpened: when.toISOString() },
      ...ponds.filter((p) => p.path !== path),
    ]);
  }

  /** Takes a pond off the list (its folder is not touched). */
  remove(path: string): Promise<void> {
    return this.update((ponds) => ponds.filter((p) => p.path !== path));
  }

  private async update(change: (ponds: Stored[]) => Stored[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    let unlock: () => Promise<void>;
    try {
      unlock = await acquireWriteLock(`${this.file}.lock`, 'recent ponds', LOCK_WAIT_MS);
    } catch (e) {
      if (!isPondError(e, ErrorCode.Locked)) throw e;
      throw new PondError(
        ErrorCode.Locked,
        `the recent ponds list ${this.file} is being changed by another process: try again`,
        { input: this.file, cause: e },
      );
    }
    try {
      const ponds = change(await this.read()).slice(0, KEPT);
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: 1, ponds }, null, 2));
      await rename(tmp, this.file);
    } finally {
      await unlock();
    }
  }

  private async read(): Promise<Stored[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw corrupt(this.file, e);
    }
    const r = fileSchema.safeParse(parsed);
    if (!r.success) throw corrupt(this.file, r.error);
    return r.data.ponds;
  }
}

/** Whether a folder still holds a pond (its Delta log is there). */
async function holdsPond(path: string): Promise<boolean> {
  return stat(join(path, 'data', '_delta_log')).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function corrupt(file: string, cause: unknown): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `the recent ponds list ${file} is damaged; delete it to start a new list`,
    { input: file, cause },
  );
}
