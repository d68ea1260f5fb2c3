import type { ListPage, TreeEntry } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';

/** Entries per `list` call: a screenful or two, so a 100,000-entry directory opens at once. */
export const TREE_PAGE = 500;

interface DirState {
  total: number | undefined;
  pages: Map<number, TreeEntry[]>;
  loading: Set<number>;
  error: ErrorInfo | undefined;
}

export type TreeRow =
  | { type: 'entry'; entry: TreeEntry; depth: number; index: number; total: number }
  | { type: 'pending'; dir: string; depth: number; index: number; total: number }
  | { type: 'error'; dir: string; depth: number; error: ErrorInfo };

export type ListFn = (path: string, offset: number, limit: number) => Promise<ListPage>;

/**
 * The tree's loaded state: per directory, its size and the pages read so far. Pages are read
 * lazily as rows come into view; a directory's rows exist (as pending rows) before their page
 * is read, so the scrollbar has the right size from the first page on.
 */
export class TreeModel {
  private readonly dirs = new Map<string, DirState>();
  private readonly expanded: Set<string>;
  private readonly listeners = new Set<() => void>();
  private rows: TreeRow[] | undefined;
  private disposed = false;
  version = 0;

  /** `expanded`: directories to show open (kept when the filter changes). */
  constructor(
    private readonly list: ListFn,
    expanded: Iterable<string> = [],
  ) {
    this.expanded = new Set(expanded);
  }

  expandedPaths(): string[] {
    return [...this.expanded];
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  dispose(): void {
    this.disposed = true;
  }

  isExpanded(path: string): boolean {
    return this.expanded.has(path);
  }

  expand(path: string): void {
    if (this.expanded.has(path)) return;
    this.expanded.add(path);
    this.ensurePage(path, 0);
    this.changed();
  }

  collapse(path: string): void {
    if (this.expanded.delete(path)) this.changed();
  }

  /** A folder moved (renamed): it and the folders under it stay open at their new paths. */
  followMove(from: string, to: string): void {
    for (const p of [...this.expanded]) {
      if (p !== from && !p.startsWith(`${from}/`)) continue;
      this.expanded.delete(p);
      this.expanded.add(to + p.slice(from.length));
    }
  }

  toggle(path: string): void {
    if (this.expanded.has(path)) this.collapse(path);
    else this.expand(path);
  }

  /** Reads the page holding `index` of directory `path` unless it is read or being read. */
  ensurePage(path: string, page: number): void {
    let dir = this.dirs.get(path);
    if (!dir) {
      dir = { total: undefined, pages: new Map(), loading: new Set(), error: undefined };
      this.dirs.set(path, dir);
    }
    if (dir.pages.has(page) || dir.loading.has(page) || dir.error) return;
    dir.loading.add(page);
    const state = dir;
    this.list(path, page * TREE_PAGE, TREE_PAGE).then(
      (p) => {
        if (this.disposed) return;
        state.loading.delete(page);
        state.total = p.total;
        state.pages.set(page, p.entries);
        this.changed();
      },
      (e: unknown) => {
        if (this.disposed) return;
        state.loading.delete(page);
        state.error = toErrorInfo(e);
        this.changed();
      },
    );
  }

  /** The visible rows, depth first: expanded directories' rows follow their own row. */
  visibleRows(): TreeRow[] {
    if (!this.rows) {
      const out: TreeRow[] = [];
      this.flatten('/', 0, out);
      this.rows = out;
    }
    return this.rows;
  }

  private flatten(path: string, depth: number, out: TreeRow[]): void {
    const dir = this.dirs.get(path);
    if (dir?.error) {
      out.push({ type: 'error', dir: path, depth, error: dir.error });
      return;
    }
    const total = dir?.total;
    if (total === undefined) {
      out.push({ type: 'pending', dir: path, depth, index: 0, total: 1 });
      return;
    }
    for (let i = 0; i < total; i++) {
      const entry = dir!.pages.get(Math.floor(i / TREE_PAGE))?.[i % TREE_PAGE];
      if (!entry) {
        out.push({ type: 'pending', dir: path, depth, index: i, total });
        continue;
      }
      out.push({ type: 'entry', entry, depth, index: i, total });
      if (entry.kind === 'directory' && this.expanded.has(entry.path)) {
        this.flatten(entry.path, depth + 1, out);
      }
    }
  }

  private changed(): void {
    this.rows = undefined;
    this.version++;
    for (const l of this.listeners) l();
  }
}
