import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile, rm } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { literal } from '../duckdb/sql.js';
import type { DerivedFile, QueryContext, RelationOptions } from '../query/queryable.js';
import { queryError } from '../query/run-query.js';
import type { EntryType, FileType } from '../tinyfs/entry-type.js';
import { deterministicNodeId } from '../tinyfs/node-id.js';
import type { DirEntry, DirectoryNode, FileNode, FileVersion, PondNode } from '../tinyfs/node.js';
import { joinPath } from '../tinyfs/path.js';
import type { DynamicNode, DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';

export type RelationBuilder = (ctx: QueryContext, options: RelationOptions) => Promise<string>;

/**
 * A table or series computed by a factory: its content is a relation built from its inputs'
 * relations, so DuckDB plans the whole chain as one query. Nothing is stored; `read` gives the
 * rows as a Parquet file for callers that want bytes.
 */
export class DerivedTable implements DerivedFile, DynamicNode {
  readonly derived = true;

  constructor(
    readonly spec: DynamicNodeSpec,
    readonly type: Exclude<FileType, 'data'>,
    private readonly txn: PondTxn,
    private readonly build: RelationBuilder,
  ) {}

  get id(): string {
    return this.spec.id;
  }
  get factory(): string {
    return this.spec.factory;
  }
  get path(): string {
    return this.spec.path;
  }

  async versions(): Promise<FileVersion[]> {
    return [];
  }

  relation(ctx: QueryContext, options: RelationOptions = {}): Promise<string> {
    return this.build(ctx, options);
  }

  async read(): Promise<Uint8Array> {
    const rel = await this.relation({
      txn: this.txn,
      expanding: [{ id: this.id, path: this.path }],
    });
    // In this process's staging folder of the pond, where maintain finds it after a kill.
    const tmp = await this.txn.blobs.tempPath('.parquet');
    const sql = `COPY (${rel}) TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`;
    try {
      await this.txn.session.run(sql).catch((e) => {
        throw queryError(e, sql);
      });
      return await readFile(tmp);
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

/** A data file whose bytes a factory computes (e.g. the rules of a column-rename node). */
export class DerivedData implements FileNode, DynamicNode {
  readonly type = 'data' as const;

  constructor(
    readonly spec: DynamicNodeSpec,
    private readonly bytes: () => Promise<Uint8Array>,
    private readonly showConfig?: () => string,
  ) {}

  /** The config as shown (describe, the app), worked out when asked for. */
  get shownConfig(): string | undefined {
    return this.showConfig?.();
  }

  get id(): string {
    return this.spec.id;
  }
  get factory(): string {
    return this.spec.factory;
  }

  async versions(): Promise<FileVersion[]> {
    return [];
  }

  read(): Promise<Uint8Array> {
    return this.bytes();
  }
}

/** The derived directories whose entries are being computed in the current async call chain. */
const PLANNING = new AsyncLocalStorage<Set<string>>();

/** One child of a derived directory, before it is made. */
export interface ChildPlan {
  name: string;
  type: EntryType;
  /** The factory that makes the child (the directory's own for generated children). */
  factory: string;
  /** What makes the child what it is; part of its id, so the same child always has the same id. */
  identity: string;
  /** The config shown for the child (`describe`, the app); the identity when absent. */
  config?: string;
  make(spec: DynamicNodeSpec): PondNode | Promise<PondNode>;
}

/**
 * A directory whose entries a factory computes. Children get deterministic ids (parent id, name,
 * factory, identity): the same path is the same node in every transaction, and a child is made
 * once per directory instance (which the transaction caches), so visits and exports never see
 * one logical file twice.
 */
export class DerivedDirectory implements DirectoryNode, DynamicNode {
  readonly type = 'directory' as const;
  private plans: Promise<Map<string, ChildPlan>> | undefined;
  private readonly made = new Map<string, Promise<PondNode>>();

  constructor(
    readonly spec: DynamicNodeSpec,
    private readonly plan: () => Promise<ChildPlan[]>,
  ) {}

  get id(): string {
    return this.spec.id;
  }
  get factory(): string {
    return this.spec.factory;
  }

  private children(): Promise<Map<string, ChildPlan>> {
    const planning = PLANNING.getStore();
    if (planning?.has(this.id)) {
      // Listing this directory needs its own entries (its inputs reach back into it).
      throw new PondError(
        ErrorCode.Cycle,
        `'${this.spec.path}' reads itself while listing its entries`,
        { input: this.spec.path },
      );
    }
    this.plans ??= PLANNING.run(new Set([...(planning ?? []), this.id]), () => this.plan()).then(
      (list) => {
        const m = new Map<string, ChildPlan>();
        for (const c of list) {
          if (m.has(c.name)) {
            throw new PondError(
              ErrorCode.BadConfig,
              `${this.spec.path}: two entries are named '${c.name}'`,
              { input: c.name },
            );
          }
          m.set(c.name, c);
        }
        return m;
      },
    );
    return this.plans;
  }

  private childId(c: ChildPlan): string {
    return deterministicNodeId(this.id, c.name, c.factory, c.identity);
  }

  async entries(): Promise<DirEntry[]> {
    const out = [...(await this.children()).values()].map((c) => ({
      name: c.name,
      id: this.childId(c),
      type: c.type,
      factory: c.factory,
    }));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async child(name: string): Promise<PondNode | undefined> {
    const c = (await this.children()).get(name);
    if (!c) return undefined;
    let node = this.made.get(name);
    if (!node) {
      node = Promise.resolve(
        c.make({
          id: this.childId(c),
          parentId: this.id,
          name,
          path: joinPath(this.spec.path, name),
          type: c.type,
          factory: c.factory,
          config: c.config ?? c.identity,
        }),
      );
      this.made.set(name, node);
    }
    return node;
  }
}
