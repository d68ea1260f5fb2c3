import { tableFromIPC, type Table } from 'apache-arrow';
import type { ColumnInfo, PreviewPage } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';

/** Rows per preview call. */
export const GRID_PAGE = 1000;
/** Pages kept in memory; farther ones are dropped (the grid never holds the whole result). */
const KEPT_PAGES = 12;

export interface Shape {
  columns: ColumnInfo[];
  totalRows: number;
  elapsedMs: number;
}

export type FetchPage = (offset: number, limit: number) => Promise<PreviewPage>;

/**
 * The pages of one preview spec (node, SQL, sort, as-of) read so far, decoded from Arrow. The
 * first page also gives the result's columns and row count.
 */
export class PageCache {
  private readonly pages = new Map<number, Table>();
  private readonly loading = new Map<number, Promise<Table>>();
  private readonly listeners = new Set<() => void>();
  shape: Shape | undefined;
  error: ErrorInfo | undefined;
  version = 0;
  private disposed = false;

  constructor(private readonly fetch: FetchPage) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  dispose(): void {
    this.disposed = true;
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
    if (pending) return pending;
    const p = this.fetch(n * GRID_PAGE, GRID_PAGE).then(
      (res) => {
        const table = tableFromIPC(res.arrow);
        this.loading.delete(n);
        if (this.disposed) return table;
        this.shape = { columns: res.columns, totalRows: res.totalRows, elapsedMs: res.elapsedMs };
        this.pages.set(n, table);
        while (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.changed();
        return table;
      },
      (e: unknown) => {
        this.loading.delete(n);
        if (!this.disposed) {
          this.error = toErrorInfo(e);
          this.changed();
        }
        throw e;
      },
    );
    this.loading.set(n, p);
    return p;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
