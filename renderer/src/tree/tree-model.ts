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
 * A filtered tree opens by itself: every directory that leads to a match, and each matched
 * directory once (its own subdirectories stay closed).
 */
export interface AutoExpand {
  isMatch(name: string): boolean;
}

/**
 * The tree's loaded state: per directory, its size and the pages read so far. Pages are read
 * lazily as rows come into view; a directory's rows exist (as pending rows) before their page
 * is read, so the scrollbar has the right size from the first page on.
 */
export class TreeModel {
  private readonly dirs = new Map<string, DirState>();
  private readonly expanded: Set<string>;
  /** In a filtered tree: matched directories and everything inside them. */
  private readonly insideMatch = new Set<string>();
  /** Directories the user closed (never reopened by the filter). */
  private readonly closed = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private rows: TreeRow[] | undefined;
  private disposed = false;
  version = 0;

  /** `expanded`: directories to show open (kept when the filter changes). */
  constructor(
    private readonly list: ListFn,
    expanded: Iterable<string> = [],
    private readonly auto?: AutoExpand,
  ) {
    this.expanded = new Set(expanded);
  }

  /** The root's size once read (0: nothing there, or nothing matches the filter). */
  rootTotal(): number | undefined {
    return this.dirs.get('/')?.total;
  }

  /** Why the root could not be listed (a bad filter, the server gone). */
  rootError(): ErrorInfo | undefined {
    return this.dirs.get('/')?.error;
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
    this.closed.add(path);
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
        this.autoExpand(path, p.entries);
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

  private autoExpand(dir: string, entries: TreeEntry[]): void {
    if (!this.auto || this.insideMatch.has(dir)) {
      if (this.auto) for (const e of entries) this.insideMatch.add(e.path);
      return;
    }
    for (const e of entries) {
      if (e.kind !== 'directory' || this.closed.has(e.path)) continue;
      if (this.auto.isMatch(e.name)) this.insideMatch.add(e.path);
      this.expanded.add(e.path);
    }
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
