import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import { expandEnv } from '../factories/env-substitution.js';
import type { Factory, FactoryRegistry } from '../factories/registry.js';
import { literalSecrets } from '../factories/secrets.js';
import { describeRelation } from '../query/parquet-file.js';
import { isDerivedFile } from '../query/queryable.js';
import { isDirectory, isFile, type PondNode } from '../tinyfs/node.js';
import { basename, joinPath, resolvePath } from '../tinyfs/path.js';
import { visitGlob } from '../tinyfs/visit.js';
import { isDynamicNode, type PondTxn } from '../tlogfs/transaction.js';

export type PlaceResult = 'created' | 'updated' | 'unchanged';

export interface NodeRequest {
  factory: string;
  path: string;
  /** The config as written (stored raw; `${env:...}` is expanded when it is read). */
  config: string;
}

/** Checks a config with its factory before any transaction: the key and reason on failure. */
export function validateNode(registry: FactoryRegistry, req: NodeRequest): void {
  const f = registry.get(req.factory);
  const where = `${req.path} (${req.factory})`;
  f.validate(expandEnv(req.config, where), where);
}

/**
 * Makes or replaces a factory node in a write transaction, then builds it (and every derived
 * node under it) so bad SQL, missing columns and cycles fail here and the transaction is
 * dropped. An existing node needs `overwrite`; the same factory and config is `unchanged`.
 */
export async function placeNode(
  txn: PondTxn,
  registry: FactoryRegistry,
  req: NodeRequest,
  options: { overwrite: boolean; parents?: boolean; warn?: (m: string) => void },
): Promise<PlaceResult> {
  const factory = registry.get(req.factory);
  for (const m of literalSecrets(req.config, factory.secretKeys ?? []))
    options.warn?.(`${req.path}: ${m}`);
  const wd = await txn.wd();
  const path = resolvePath(req.path);
  if (options.parents) await wd.mkdir(resolvePath('..', path), { parents: true });
  const spec = {
    kind: 'dynamic' as const,
    type: factory.entryType,
    factory: req.factory,
    config: req.config,
  };
  const existing = await wd.lookup(path, { follow: false });
  let result: PlaceResult;
  if (!existing.found) {
    await wd.create(path, spec);
    result = 'created';
  } else {
    const node = existing.node;
    if (!isDynamicNode(node)) {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `'${path}' exists and is a stored ${node.type}, not a factory node; choose another path`,
        { input: path },
      );
    }
    if (node.spec.factory === req.factory && node.spec.config === req.config) return 'unchanged';
    if (!options.overwrite) {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `'${path}' exists (${node.spec.factory}); use --overwrite to replace its config`,
        { input: path },
      );
    }
    if (node.spec.type !== factory.entryType) {
      throw new PondError(
        ErrorCode.WrongType,
        `'${path}' is a ${node.spec.type} and ${req.factory} makes a ${factory.entryType}; remove the node first`,
        { input: path },
      );
    }
    const parent = await wd.get(resolvePath('..', path));
    if (!isDirectory(parent.node) || !parent.node.replaceDynamic) {
      throw new PondError(ErrorCode.ReadOnly, `'${parent.path}' is read-only`, { input: path });
    }
    await parent.node.replaceDynamic(basename(path), spec);
    result = 'updated';
  }
  const warn = options.warn ?? (() => undefined);
  const unmatched = await unmatchedInputs(txn, factory, req.config, `${path} (${req.factory})`);
  // The build's own warning (an input it cannot read yet) says more; else the unmatched inputs.
  const built: string[] = [];
  await probe((await wd.get(path)).node, path, txn, (m) => built.push(m));
  for (const m of built.length > 0 ? built : unmatched) warn(m);
  return result;
}

/**
 * A warning for each input pattern (and transform) of the config that matches nothing in the
 * pond now: the node is fine and reads it once it arrives, but a typo looks the same.
 */
async function unmatchedInputs(
  txn: PondTxn,
  factory: Factory,
  config: string,
  where: string,
): Promise<string[]> {
  if (!factory.reads) return [];
  const wd = await txn.wd();
  const out: string[] = [];
  for (const pattern of factory.reads(config, where)) {
    let found: number;
    try {
      found = (await visitGlob(wd, pattern)).length;
    } catch (e) {
      if (!isPondError(e, ErrorCode.NotFound)) throw e;
      found = 0;
    }
    if (found === 0)
      out.push(`${where}: '${pattern}' matches nothing yet (it is read once it exists)`);
  }
  return out;
}

/**
 * Builds a node the way a reader would: a derived file's relation is planned by DuckDB
 * (DESCRIBE), a derived directory is listed and its children probed. Inputs that do not exist
 * yet are a warning, not an error: the node is fine and will read once they arrive.
 */
async function probe(
  node: PondNode,
  path: string,
  txn: PondTxn,
  warn: (m: string) => void,
): Promise<void> {
  try {
    if (isFile(node) && isDerivedFile(node)) {
      const rel = await node.relation({ txn, expanding: [{ id: node.id, path }] });
      await describeRelation(txn.session, rel);
    } else if (isDirectory(node) && isDynamicNode(node) && node.spec.factory !== 'hostmount') {
      for (const e of await node.entries()) {
        const child = await node.child(e.name);
        if (child) await probe(child, joinPath(path, e.name), txn, warn);
      }
    }
  } catch (e) {
    if (isPondError(e, ErrorCode.NotFound)) {
      warn(`${path}: cannot be read yet: ${e.message}`);
      return;
    }
    throw e;
  }
}
