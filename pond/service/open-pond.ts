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
  return Pond.create(path, birthplace, meta, {
    dynamic: registry.maker,
    ...(options.session ? { session: options.session } : {}),
  });
}
