import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckSession } from '../../duckdb/session.js';
import { createPond } from '../../service/open-pond.js';
import { fsck } from '../../tlogfs/fsck.js';
import type { Pond } from '../../tlogfs/pond.js';

/** A real pond in a temp folder, host files beside it, and a fingerprint of everything on disk. */
export interface Sandbox {
  dir: string;
  pond: Pond;
  /** Writes a host file and returns its path. */
  file(name: string, content: string | Buffer): Promise<string>;
  /** The latest transaction, fsck's digest and orphans, and every file of the pond folder. */
  state(): Promise<string>;
  /** Plain DuckDB on the same machine, to compute expected values independently of the pond. */
  duck<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function sandbox(prefix: string): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const root = join(dir, 'pond');
  const pond = await createPond(root, 'import-test', { command: ['test', 'init'] });
  const plain = await DuckSession.open({ threads: 1 });
  return {
    dir,
    pond,
    async file(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    async state() {
      const seq = await pond.read(async (txn) => txn.seq);
      const report = await fsck(pond);
      const files: string[] = [];
      const walk = async (d: string): Promise<void> => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else files.push(`${relative(root, p)} ${(await stat(p)).size}`);
        }
      };
      await walk(root);
      return JSON.stringify(
        {
          seq,
          digest: report.digest,
          orphans: report.orphans,
          problems: report.problems,
          files: files.sort(),
        },
        null,
        1,
      );
    },
    duck: (sql) => plain.all(sql),
    async close() {
      plain.close();
      await pond.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
