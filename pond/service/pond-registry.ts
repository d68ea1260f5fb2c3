import { randomUUID } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { PondSummary } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond } from '../tlogfs/pond.js';
import type { DirectoryListing } from './list.js';
import type { TreeSearch } from './tree-search.js';
import { openPond } from './open-pond.js';
import { pondReadable, QueryEngine } from './query-engine.js';
import { LruCache } from './lru-cache.js';

/** What the service keeps for one open pond. */
export interface OpenPond {
  handle: string;
  path: string;
  pond: Pond;
  /** The factories its nodes are made by (the one the pond was opened with). */
  registry: FactoryRegistry;
  /** The locked-down DuckDB instance for the UI's queries over this pond. */
  engine: QueryEngine;
  /** Per-spec facts computed once (columns, row counts), keyed by transaction + spec. */
  specs: LruCache<unknown>;
  /** Whole directory listings, keyed by transaction + path: paging and filtering slice them. */
  listings: LruCache<DirectoryListing>;
  /** Results of a deep tree filter, keyed by transaction + filter. */
  searches: LruCache<TreeSearch>;
  /**
   * Who holds the pond open: HOST (the command line, the desktop app's own opens) and each tab
   * or window that opened it. It closes when the last holder lets go, so closing a pond in one
   * tab leaves it open in the others.
   */
  holders: Set<string>;
}

/** The holder of ponds opened by the host itself (not by a tab or window). */
export const HOST = 'host';

/**
 * The ponds the app has open, by opaque handle. The UI never sends a host path back: it names a
 * pond by its handle. Opening a folder that is already open gives the same handle.
 */
export class PondRegistry {
  private readonly byHandle = new Map<string, OpenPond>();
  private readonly opening = new Map<string, Promise<OpenPond>>();
  private readonly registry: FactoryRegistry;

  constructor(
    private readonly options: {
      registry?: FactoryRegistry;
      /** Runs after each commit to an open pond (automatic backups). */
      afterCommit?: (pond: Pond) => Promise<void>;
      /** Runs before a pond closes, once no call can reach it (its jobs are stopped). */
      beforeClose?: (handle: string) => Promise<void>;
    } = {},
  ) {
    this.registry = options.registry ?? defaultRegistry();
  }

  /** Opens a folder for `holder` (the handle is the same for every holder of one folder). */
  async open(path: string, holder: string): Promise<OpenPond> {
    const root = resolve(path);
    let open = [...this.byHandle.values()].find((p) => p.path === root);
    if (!open) {
      // Two calls for the same folder at once share one open.
      let pending = this.opening.get(root);
      if (!pending) {
        pending = this.load(root).finally(() => this.opening.delete(root));
        this.opening.set(root, pending);
      }
      open = await pending;
    }
    open.holders.add(holder);
    return open;
  }

  /** Adds a pond opened (or just created) by the caller, held by `holder`. */
  async adopt(pond: Pond, holder: string): Promise<OpenPond> {
    const open = await this.register(pond);
    open.holders.add(holder);
    return open;
  }

  /** The ponds `holder` may see: its own and the host's. */
  heldBy(holder: string): OpenPond[] {
    return this.list().filter((p) => p.holders.has(holder) || p.holders.has(HOST));
  }

  /**
   * `holder` lets go of a pond; the pond closes when nobody holds it any more. A holder that
   * does not hold it changes nothing (another tab's pond stays open).
   */
  /** Lets go of one holder's hold; true when that closed the pond (nobody holds it now). */
  async release(handle: string, holder: string): Promise<boolean> {
    const p = this.get(handle);
    p.holders.delete(holder);
    if (p.holders.size > 0) return false;
    await this.close(handle);
    return true;
  }

  /** A tab or window went away: it lets go of every pond it held; returns the ponds closed. */
  async releaseAll(holder: string): Promise<string[]> {
    const closed: string[] = [];
    for (const p of this.list())
      if (p.holders.has(holder) && (await this.release(p.handle, holder))) closed.push(p.handle);
    return closed;
  }

  get(handle: string): OpenPond {
    const p = this.byHandle.get(handle);
    if (!p) {
      throw new PondError(ErrorCode.NotFound, `no open pond has the handle '${handle}'`, {
        input: handle,
      });
    }
    return p;
  }

  list(): OpenPond[] {
    return [...this.byHandle.values()];
  }

  async close(handle: string): Promise<void> {
    const p = this.get(handle);
    this.byHandle.delete(handle);
    await this.options.beforeClose?.(handle);
    // Interrupts the pond's running queries and waits for them before the pond goes.
    await p.engine.close();
    await p.pond.close();
  }

  async closeAll(): Promise<void> {
    for (const h of [...this.byHandle.keys()]) await this.close(h);
  }

  private async load(root: string): Promise<OpenPond> {
    const after = this.options.afterCommit;
    const pond = await openPond(root, {
      registry: this.registry,
      ...(after ? { afterCommit: (p: Pond) => after(p) } : {}),
    });
    return this.register(pond);
  }

  private async register(pond: Pond): Promise<OpenPond> {
    let engine: QueryEngine;
    try {
      engine = await QueryEngine.open(await pondReadable(pond.layout));
    } catch (e) {
      await pond.close();
      throw e;
    }
    const open: OpenPond = {
      handle: randomUUID(),
      path: pond.layout.root,
      pond,
      registry: this.registry,
      engine,
      specs: new LruCache(200),
      listings: new LruCache(8),
      searches: new LruCache(4),
      holders: new Set(),
    };
    this.byHandle.set(open.handle, open);
    return open;
  }
}

/** The summary the UI shows for an open pond (its newest transaction read afresh). */
export async function summaryOf(p: OpenPond): Promise<PondSummary> {
  await p.pond.delta.refresh();
  return {
    handle: p.handle,
    path: p.path,
    name: basename(p.path),
    pondId: p.pond.identity.id,
    birthplace: p.pond.identity.birthplace,
    created: p.pond.identity.created,
    lastTxn: p.pond.lastSeq,
  };
}
