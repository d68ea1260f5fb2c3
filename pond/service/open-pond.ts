import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { DuckSession } from '../duckdb/session.js';
import { Pond, type TxnMeta } from '../tlogfs/pond.js';

export interface OpenOptions {
  session?: DuckSession;
  registry?: FactoryRegistry;
}

/** Opens a pond with the factory registry wired in, so stored factory nodes come alive. */
export async function openPond(path: string, options: OpenOptions = {}): Promise<Pond> {
  const registry = options.registry ?? defaultRegistry();
  return Pond.open(path, {
    dynamic: registry.maker,
    ...(options.session ? { session: options.session } : {}),
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
