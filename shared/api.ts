/**
 * The PondService contract: everything the app's UI asks of the engine. The same operations run
 * in Electron (over IPC through the preload bridge) and in `pond serve` (over HTTP and a
 * WebSocket). Only plain data crosses the boundary; tabular results are Arrow IPC bytes.
 *
 * Times are ISO-8601 UTC strings; sizes are bytes; transaction numbers are the pond's.
 */
import type { ErrorInfo } from './errors.js';

export type EntryKind = 'directory' | 'symlink' | 'data' | 'table' | 'series';

/** An open pond, named by an opaque handle the service hands out. */
export interface PondSummary {
  handle: string;
  /** Host folder of the pond (shown, never sent back as an argument). */
  path: string;
  name: string;
  pondId: string;
  birthplace: string;
  created: string;
  /** The newest transaction number. */
  lastTxn: number;
}

export interface RecentPond {
  path: string;
  name: string;
  lastOpened: string;
  /** The folder holds no pond any more (deleted or moved): shown marked, and can be removed. */
  missing?: boolean;
}

export interface AppInfo {
  /** 'electron' for the desktop app, 'browser' for `pond serve` and the browser fallback. */
  mode: 'electron' | 'browser';
  version: string;
  /** Whether native open/create dialogs exist (Electron only). */
  dialogs: boolean;
  /**
   * How long one preview, chart or details call may run before the engine stops it (`pond serve
   * --query-timeout`); absent when there is no limit.
   */
  queryTimeLimitMs?: number;
}

/**
 * Names a running preview, chart or details call so it can be stopped. The UI picks both strings:
 * `cancelQuery(id)` stops that call, and a call whose spec (node, SQL, sort, window...) differs
 * from the running ones in the same `slot` (one per panel of a tab or window) stops them, so a
 * newer query for a panel supersedes the older one. Calls of the same spec in a slot (the pages
 * of one result) run side by side.
 */
export interface QueryTag {
  id: string;
  slot: string;
}

export interface TreeEntry {
  name: string;
  path: string;
  kind: EntryKind;
  /** Set for nodes computed by a factory. */
  factory?: string;
  nodeId: string;
  version?: number;
  size?: number;
  modified?: string;
  /** Symlink target. */
  target?: string;
}

/** A page of one directory's entries (directories may hold 100,000 entries). */
export interface ListRequest {
  pond: string;
  path: string;
  offset: number;
  limit: number;
  /** A glob on entry names (`*` only), e.g. `*.series`; a name without `*` matches exactly. */
  filter?: string;
  /** List directories even when their names miss the filter, so a filtered tree can be walked. */
  keepDirectories?: boolean;
  /** Include hidden entries (names starting with `.`), as `pond list -a`. */
  all?: boolean;
  /**
   * With `filter`: search the whole subtree. The page then holds the entries whose names match
   * and the directories that hold a match at any depth (and no others), so a filtered tree shows
   * every match with the way to it. A directory that is itself a match is listed whole.
   */
  deep?: boolean;
  asOf?: number;
}

export interface ListPage {
  path: string;
  offset: number;
  /** Entries in the directory (after the filter). */
  total: number;
  entries: TreeEntry[];
}

export interface ColumnInfo {
  name: string;
  /** DuckDB type name. */
  type: string;
  nullable: boolean;
}

export interface VersionInfo {
  version: number;
  txn: number;
  written: string;
  size: number;
  /** Event-time range of a series version. */
  start?: string;
  end?: string;
}

export interface NodeRequest {
  pond: string;
  path: string;
  asOf?: number;
  /** The time range of a derived series is a scan of its rows: tagged, it can be stopped. */
  query?: QueryTag;
}

export interface NodeDetails {
  path: string;
  kind: EntryKind;
  nodeId: string;
  factory?: string;
  /** Factory config (YAML) of a derived node. */
  config?: string;
  versions: VersionInfo[];
  schema?: ColumnInfo[];
  timestampColumn?: string;
  timeRange?: { start: string; end: string };
  /** Directory size. */
  entries?: number;
  target?: string;
  /** Paths of `res=...` siblings of a downsampled series (for the chart's resolution picker). */
  resolutions?: { label: string; path: string }[];
}

/** A declarative preview: the engine compiles it to SQL over `source`. */
export interface PreviewRequest {
  pond: string;
  path: string;
  /** SQL over `source`; the node's rows when absent. */
  sql?: string;
  sort?: { column: string; descending: boolean }[];
  offset: number;
  limit: number;
  asOf?: number;
  query?: QueryTag;
}

export interface PreviewPage {
  columns: ColumnInfo[];
  /**
   * The page's rows as an Arrow IPC stream, one column per entry of `columns`. Booleans,
   * integers (64-bit ones as Int64/Uint64, read as bigint), floats, VARCHAR, DATE and
   * timestamps (microseconds; TIMESTAMPTZ with zone "UTC") keep their Arrow types; every other
   * DuckDB type (DECIMAL, HUGEINT, UUID, INTERVAL, TIME, BLOB, LIST, STRUCT, MAP...) arrives as
   * Utf8 holding DuckDB's text form, so nothing is rounded. `columns[i].type` is DuckDB's type.
   */
  arrow: Uint8Array;
  offset: number;
  rowCount: number;
  /** Rows of the whole result. */
  totalRows: number;
  elapsedMs: number;
}

export interface ChartRequest {
  pond: string;
  path: string;
  /** Numeric columns to plot (all numeric columns when absent). */
  columns?: string[];
  start?: string;
  end?: string;
  /** Upper bound on points per column; the engine aggregates (min/max per bucket) above it. */
  maxPoints: number;
  asOf?: number;
  query?: QueryTag;
}

export interface ChartData {
  timestampColumn: string;
  columns: string[];
  /** Arrow IPC: `t` (ms since the epoch, Float64) and one Float64 column per plotted column. */
  arrow: Uint8Array;
  rowCount: number;
  downsampled: boolean;
  start?: string;
  end?: string;
}

export interface HistoryRequest {
  pond: string;
  limit: number;
  /** Only transactions older than this one (for paging back). */
  before?: number;
}

export interface TxnInfo {
  txn: number;
  time: string;
  operation: string;
  command: string[];
  user: string;
  host: string;
  changes: { path: string; action: string; kind: EntryKind }[];
  changesTotal: number;
}

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  done: number;
  total?: number;
  message: string;
}

export interface JobInfo {
  id: string;
  kind: string;
  state: JobState;
  progress: JobProgress;
  result?: unknown;
  error?: ErrorInfo;
}

/** Pushed to the UI while jobs run. */
export interface JobEvent {
  job: JobInfo;
}

/** Every call the UI makes. Implemented by pond/service; reached through electron/ or `pond serve`. */
export interface PondService {
  appInfo(): Promise<AppInfo>;
  openPonds(): Promise<PondSummary[]>;
  recentPonds(): Promise<RecentPond[]>;
  /** Reopens a pond from the recent list (the path must be on it). */
  openRecent(path: string): Promise<PondSummary>;
  /** Native dialogs (Electron); undefined when the user cancels. */
  openPondDialog(): Promise<PondSummary | undefined>;
  createPondDialog(birthplace: string): Promise<PondSummary | undefined>;
  /** The demo pond, made on first use. */
  openDemoPond(): Promise<PondSummary>;
  closePond(pond: string): Promise<void>;

  list(req: ListRequest): Promise<ListPage>;
  details(req: NodeRequest): Promise<NodeDetails>;
  preview(req: PreviewRequest): Promise<PreviewPage>;
  chart(req: ChartRequest): Promise<ChartData>;
  history(req: HistoryRequest): Promise<TxnInfo[]>;
  /**
   * Stops the preview, chart or details call tagged with this id (DuckDB's interrupt): it fails with
   * CANCELLED. An id that is not running (finished, never started) is ignored.
   */
  cancelQuery(id: string): Promise<void>;

  jobs(): Promise<JobInfo[]>;
  cancelJob(id: string): Promise<void>;

  /** Removes a pond from the recent list (its folder is not touched). */
  forgetRecent(path: string): Promise<void>;
  /** The content of a data file (text, Markdown, JSON, CSV, an image), up to a limit. */
  readData(req: DataRequest): Promise<DataContent>;
  /**
   * Column profiles of a table, series or SQL result (the whole result, not a page), computed by
   * the engine for the named columns only; tagged, so it can be cancelled like a preview.
   */
  profile(req: ProfileRequest): Promise<ColumnProfile[]>;
}

export interface DataRequest {
  pond: string;
  path: string;
  asOf?: number;
  /** At most this many bytes are sent (the file's size says how many there are). */
  maxBytes: number;
}

export interface DataContent {
  path: string;
  /** What the bytes are, from the name and the bytes themselves. */
  format: 'text' | 'markdown' | 'json' | 'csv' | 'image' | 'binary';
  /** The MIME type for images (image/png, image/jpeg, image/gif, image/webp, image/svg+xml). */
  mime?: string;
  /** Bytes of the whole file. */
  size: number;
  /** The first `maxBytes` bytes (all of them when `truncated` is false). */
  bytes: Uint8Array;
  truncated: boolean;
}

export interface ProfileRequest {
  pond: string;
  path: string;
  /** SQL over `source`, as in a preview; the node's rows when absent. */
  sql?: string;
  /** The columns to profile (the ones on screen). */
  columns: string[];
  asOf?: number;
  query?: QueryTag;
}

export interface ColumnProfile {
  name: string;
  /** DuckDB type name. */
  type: string;
  rows: number;
  nulls: number;
  distinct: number;
  /** DuckDB's text of the smallest and largest value (times as ISO-8601 UTC). */
  min?: string;
  max?: string;
  /**
   * Numbers and times: equal-width bins from min to max (`from`/`to` as text, the last bin
   * includes max). Other types: the most frequent values, most frequent first.
   */
  histogram: { label: string; from?: string; to?: string; count: number }[];
  histogramKind: 'bins' | 'top';
}

export type PondServiceMethod = keyof PondService;

/** What the desktop app's menu asks the focused window to do (the window owns the UI state). */
export type MenuCommand =
  | { kind: 'openPond' }
  | { kind: 'createPond' }
  | { kind: 'openDemoPond' }
  | { kind: 'openRecent'; path: string }
  | { kind: 'closePond' };
