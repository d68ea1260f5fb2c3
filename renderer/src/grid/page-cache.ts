import { tableFromIPC, type Table } from 'apache-arrow';
import type { ColumnInfo, PreviewPage, QueryTag } from '../../../shared/api';
import { ErrorCode, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { queryTag } from '../query/query-tag';

/** Rows per preview call. */
export const GRID_PAGE = 1000;
/** Pages kept in memory; farther ones are dropped (the grid never holds the whole result). */
const KEPT_PAGES = 12;

export interface Shape {
  columns: ColumnInfo[];
  totalRows: number;
  elapsedMs: number;
}

export type FetchPage = (offset: number, limit: number, query: QueryTag) => Promise<PreviewPage>;

/**
 * The pages of one preview spec (node, SQL, sort, as-of) read so far, decoded from Arrow. The
 * first page also gives the result's columns and row count. Each page call is tagged, so
 * `cancel()` (and `dispose()`, when the grid shows something else) stops the engine's work.
 */
export class PageCache {
  private readonly pages = new Map<number, Table>();
  private readonly loading = new Map<number, { promise: Promise<Table>; tag: QueryTag }>();
  private readonly listeners = new Set<() => void>();
  shape: Shape | undefined;
  error: ErrorInfo | undefined;
  /** Set when a page call was cancelled: how long it had run. */
  cancelledAfterMs: number | undefined;
  /** When the oldest page call still running started (performance.now()). */
  runningSince: number | undefined;
  version = 0;
  private disposed = false;

  constructor(
    private readonly fetch: FetchPage,
    private readonly cancelQuery: (id: string) => void,
    /** The panel its calls supersede each other in (one grid per panel). */
    private readonly slot = 'grid',
  ) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  /** Stops every page call still running; they end as cancelled. */
  cancel(): void {
    for (const { tag } of this.loading.values()) this.cancelQuery(tag.id);
  }

  /** The grid shows something else: stop what still runs for this spec. */
  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  page(n: number): Table | undefined {
    const t = this.pages.get(n);
    if (t) {
      // Most recently used last, so eviction drops the oldest.
      this.pages.delete(n);
      this.pages.set(n, t);
    }
    return t;
  }

  load(n: number): Promise<Table> {
    const have = this.pages.get(n);
    if (have) return Promise.resolve(have);
    const pending = this.loading.get(n);
    if (pending) return pending.promise;
    const tag = queryTag(this.slot);
    const started = performance.now();
    const promise = this.fetch(n * GRID_PAGE, GRID_PAGE, tag).then(
      (res) => {
        const table = tableFromIPC(res.arrow);
        this.settled(n);
        if (this.disposed) return table;
        this.shape = { columns: res.columns, totalRows: res.totalRows, elapsedMs: res.elapsedMs };
        this.cancelledAfterMs = undefined;
        this.pages.set(n, table);
        while (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.changed();
        return table;
      },
      (e: unknown) => {
        this.settled(n);
        if (!this.disposed) {
          const info = toErrorInfo(e);
          if (info.code === ErrorCode.Cancelled)
            this.cancelledAfterMs = performance.now() - started;
          else this.error = info;
          this.changed();
        }
        throw e;
      },
    );
    this.loading.set(n, { promise, tag });
    if (this.runningSince === undefined) {
      this.runningSince = started;
      this.changed();
    }
    return promise;
  }

  private settled(n: number): void {
    this.loading.delete(n);
    this.runningSince = this.loading.size === 0 ? undefined : this.runningSince;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
