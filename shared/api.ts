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
  /** A restore's copy of an earlier version (same content). */
  restoredFrom?: { version: number; txn: number };
  /** Series: readers start their union at this version (earlier ones are history). */
  base?: boolean;
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

/** One thing a transaction changed. */
export interface ChangeInfo {
  path: string;
  /** created, new version, replaced, moved, removed, restored. */
  action: string;
  kind: EntryKind;
  /** moved: the path before. */
  from?: string;
  /** restored: the transaction whose state the node has again. */
  asOf?: number;
}

export interface TxnInfo {
  txn: number;
  time: string;
  operation: string;
  command: string[];
  user: string;
  host: string;
  changes: ChangeInfo[];
  changesTotal: number;
  /** Set on a revert: the transaction it undid. */
  reverts?: number;
}

// ---- Editing a pond (move, remove, restore, revert): each a new transaction. ----

/** Move or rename: a `dest` that is an existing directory receives the sources by name. */
export interface MoveRequest {
  pond: string;
  sources: string[];
  dest: string;
}

/** Remove entries; `recursive` for a stored directory with entries. */
export interface RemoveRequest {
  pond: string;
  paths: string[];
  recursive?: boolean;
}

/** Make a path (and everything under it) as it was at transaction `asOf`. */
export interface RestoreRequest {
  pond: string;
  path: string;
  asOf: number;
}

/** Undo what transaction `txn` changed; `force` also undoes later changes to the same nodes. */
export interface RevertRequest {
  pond: string;
  txn: number;
  force?: boolean;
}

/** Which factory nodes read these paths (or anything under them). */
export interface ReadersRequest {
  pond: string;
  paths: string[];
  asOf?: number;
}

/** A factory node whose inputs match some of the asked-about paths. */
export interface DerivedReaderInfo {
  path: string;
  factory: string;
  /** The asked-about paths (or paths under them) it reads. */
  reads: string[];
}

export interface ReadersInfo {
  readers: DerivedReaderInfo[];
  /** Factory nodes whose inputs could not be matched, and why. */
  unchecked: { path: string; reason: string }[];
}

/** A factory node an edit affects (its config is never rewritten). */
export interface AffectedReaderInfo {
  path: string;
  factory: string;
  /** Paths it read that moved away or were removed. */
  lost: string[];
  /** Paths it reads now that arrived (moved in, brought back). */
  gained: string[];
}

/** What an edit did, and the factory nodes it affects. */
export interface EditResult {
  /** The transaction made; absent when there was nothing to change. */
  txn?: number;
  changes: ChangeInfo[];
  readers: AffectedReaderInfo[];
  /** Factory nodes whose inputs could not be checked, and why. */
  unchecked: { path: string; reason: string }[];
}

export interface RevertStepInfo {
  kind: 'remove' | 'move back' | 'bring back' | 'restore content';
  /** The node's path now (bring back: the path it comes back to). */
  path: string;
  /** move back: where it goes. */
  to?: string;
  entryKind: EntryKind;
}

export interface RevertConflictInfo {
  path: string;
  /** The later transaction that changed it, when known. */
  txn?: number;
  reason: string;
  /** Whether `force` goes ahead anyway; false: it cannot be done until the path is cleared. */
  forceable: boolean;
}

/** What reverting a transaction would do, and what stands in its way. */
export interface RevertPlanInfo {
  txn: number;
  steps: RevertStepInfo[];
  conflicts: RevertConflictInfo[];
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

/** A backup of the pond (pond backup add), as of its last push: nothing here asks the remote. */
export interface BackupInfo {
  name: string;
  /** file:///path or s3://bucket/prefix. */
  url: string;
  /** The S3-compatible endpoint, when there is one. */
  endpoint?: string;
  /** Pushed after every commit. */
  auto: boolean;
  /**
   * 'up to date' and 'behind' compare the last successful push with the pond's newest
   * transaction; 'failing' when the last push failed; 'pushing' while a push job runs.
   */
  state: 'up to date' | 'behind' | 'never pushed' | 'failing' | 'pushing';
  /** The pond's newest transaction. */
  localTxn: number;
  /** The transaction and time of the last successful push. */
  pushedTxn?: number;
  pushedAt?: string;
  /** The last push, when it failed. */
  lastError?: { at: string; message: string };
  /** The running push job (progress and cancel through jobs() and cancelJob()). */
  jobId?: string;
}

export interface PushBackupRequest {
  pond: string;
  /** The backup's name. */
  backup: string;
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

  /** The pond's backups with their state as of their last push. */
  backups(pond: string): Promise<BackupInfo[]>;
  /** Starts pushing one backup as a job ('push'); the running one if a push of it is under way. */
  pushBackup(req: PushBackupRequest): Promise<JobInfo>;
}

export type PondServiceMethod = keyof PondService;

/**
 * What the desktop app's main process asks the window to do (the window owns the UI state): the
 * menu's commands, and showing a pond main opened itself (the first run's demo, a pond named on
 * the command line, by a second launch or by macOS) or why it could not open one.
 */
export type MenuCommand =
  | { kind: 'openPond' }
  | { kind: 'createPond' }
  | { kind: 'openDemoPond' }
  | { kind: 'openRecent'; path: string }
  | { kind: 'closePond' }
  | { kind: 'showPond'; pond: PondSummary }
  | { kind: 'showError'; error: ErrorInfo };
