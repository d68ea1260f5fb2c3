import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import type { PondNode } from '../tinyfs/node.js';
import type { WD } from '../tinyfs/wd.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import type { Executable } from './executable.js';
import type { FactorySchema } from './config-schema.js';

/**
 * A factory: validates its YAML config when a node is made, and turns a stored node that names
 * it into a live node when the node is read.
 */
export interface Factory {
  readonly name: string;
  readonly description: string;
  /** The entry type of the nodes it makes (a directory, or a table/series/data file). */
  readonly entryType: EntryType;
  /** Parses and checks a config; errors name the key and the reason. Returns the parsed config. */
  validate(config: string, where: string): unknown;
  /** Builds the live node (`spec.config` has passed `validate` when the node was made). */
  make(spec: DynamicNodeSpec, txn: PondTxn): Promise<PondNode>;
  /**
   * The pond paths and globs a node with this config reads (its input patterns and
   * transforms), to tell who is affected when a path moves or goes; absent: it reads none.
   */
  reads?(config: string, where: string): string[];
  /** Top-level config keys that hold secrets: shown redacted (secrets.ts). */
  readonly secretKeys?: readonly string[];
  /** Set for executable factories: the commands `pond run` runs. */
  readonly executable?: Executable;
  /** Whether a node with this config shows host files or folders (hostmount); absent: never. */
  namesHostPaths?(config: string, where: string): boolean;
  /** Its config's keys and an example, for the app's node editor. */
  readonly schema: FactorySchema;
  /**
   * The files a node with this config computes from one of its inputs alone, relative to the
   * node (temporal-reduce: that input's `res=` series), labelled; absent: none does.
   */
  viewsOf?(config: string, where: string, input: string, wd: WD): Promise<FactoryView[]>;
}

/** A file a factory node computes from one input (see Factory.viewsOf). */
export interface FactoryView {
  label: string;
  /** Relative to the node. */
  path: string;
}

/** Every factory the pond knows, by name. Factories register themselves in factories/index.ts. */
export class FactoryRegistry {
  private readonly byName = new Map<string, Factory>();

  register(f: Factory): this {
    if (this.byName.has(f.name))
      throw new PondError(ErrorCode.Internal, `factory ${f.name} registered twice`);
    this.byName.set(f.name, f);
    return this;
  }

  get(name: string): Factory {
    const f = this.byName.get(name);
    if (!f) {
      const known = [...this.byName.keys()].sort().join(', ') || 'none';
      throw new PondError(ErrorCode.BadConfig, `unknown factory '${name}' (known: ${known})`, {
        input: name,
      });
    }
    return f;
  }

  /**
   * By name. Factory names are ASCII words, so code-unit order is their order; localeCompare's
   * first call in a process costs ~5 ms (ICU's collator), which every command that opens a pond
   * would pay here (dynamic-dir lists the factories when the registry is made).
   */
  list(): Factory[] {
    return [...this.byName.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /** The maker handed to the pond when it is opened. */
  readonly maker = (spec: DynamicNodeSpec, txn: PondTxn): Promise<PondNode> =>
    this.get(spec.factory).make(spec, txn);
}
