import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { RecentPond } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';

const KEPT = 12;

const fileSchema = z.object({
  version: z.literal(1),
  ponds: z.array(z.object({ path: z.string(), name: z.string(), lastOpened: z.string() })),
});

/**
 * The ponds the user opened, newest first, kept as JSON in the app's data folder. The list is
 * also the allow-list of host paths the UI may name (`openRecent`).
 */
export class RecentPonds {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  static in(appData: string): RecentPonds {
    return new RecentPonds(join(appData, 'recent-ponds.json'));
  }

  async list(): Promise<RecentPond[]> {
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

  async has(path: string): Promise<boolean> {
    return (await this.list()).some((p) => p.path === path);
  }

  /** Puts a pond at the top of the list. Writes are serialized and atomic (temp file + rename). */
  async add(path: string, name: string, when = new Date()): Promise<void> {
    const next = this.writing.then(async () => {
      const ponds = (await this.list()).filter((p) => p.path !== path);
      ponds.unshift({ path, name, lastOpened: when.toISOString() });
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: 1, ponds: ponds.slice(0, KEPT) }, null, 2));
      await rename(tmp, this.file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

function corrupt(file: string, cause: unknown): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `the recent ponds list ${file} is damaged; delete it to start a new list`,
    { input: file, cause },
  );
}
