import { ensureOutputFolder, removeFolders } from '../export/output-folder.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { DuckSession } from '../duckdb/session.js';
import { Pond, type PondOptions, type TxnMeta } from '../tlogfs/pond.js';

export interface OpenOptions {
  session?: DuckSession;
  registry?: FactoryRegistry;
  /** Runs after each commit (automatic pushes to backups); see PondOptions.afterCommit. */
  afterCommit?: PondOptions['afterCommit'];
}

/** Opens a pond with the factory registry wired in, so stored factory nodes come alive. */
export async function openPond(path: string, options: OpenOptions = {}): Promise<Pond> {
  const registry = options.registry ?? defaultRegistry();
  return Pond.open(path, {
    dynamic: registry.maker,
    ...(options.session ? { session: options.session } : {}),
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
}

export async function createPond(
  path: string,
  birthplace: string,
  meta: TxnMeta,
  options: OpenOptions = {},
): Promise<Pond> {
  const registry = options.registry ?? defaultRegistry();
  // The folder is made here, so a file in the way is named (and /proc cannot hang mkdir), and
  // removed again if the pond cannot be made.
  const made = await ensureOutputFolder(path, `cannot make a pond at ${path}`);
  try {
    return await Pond.create(path, birthplace, meta, {
      dynamic: registry.maker,
      ...(options.session ? { session: options.session } : {}),
    });
  } catch (e) {
    await removeFolders(made);
    throw e;
  }
}
