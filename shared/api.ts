/**
 * The PondService contract: everything the app's UI asks of the engine. The same operations run
 * in Electron (over IPC through the preload bridge) and in `pond serve` (over HTTP and a
 * WebSocket). Only plain data crosses the boundary; tabular results are Arrow IPC bytes.
 *
 * Times are ISO-8601 UTC strings; sizes are bytes; transaction numbers are the pond's.
 */
import type {
  ImportFilePreview,
  ImportFileSpec,
  ImportPreviewRequest,
  ImportProposalRequest,
  ImportRunRequest,
  ImportSource,
} from './app-import.js';
import type { CollectorInfo } from './collectors.js';
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
   * Under `pond serve --export-root DIR`: the host folder every export from the app must lie in.
   * Absent in Electron (folders come from native dialogs) and when serve has no export root.
   */
  exportRoot?: string;
  /**
   * How long one preview, chart or details call may run before the engine stops it (`pond serve
   * --query-timeout`); absent when there is no limit.
   */
  queryTimeLimitMs?: number;
  /**
   * Under `pond serve`: the largest file the browser may upload for an import (`--max-upload`).
   * Absent in the desktop app, which imports host files where they are.
   */
  uploadLimitBytes?: number;
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

/** firstScreen: how much of the first open pond's root to list (the tree's first page). */
export interface FirstScreenRequest {
  rootLimit: number;
}

/** What the app draws first, in one round trip: appInfo, openPonds, and the first pond's root. */
export interface FirstScreen {
  app: AppInfo;
  open: PondSummary[];
  /**
   * With an open pond: `list({ pond: open[0].handle, path: '/', offset: 0, limit: rootLimit })`,
   * or why it failed (the tree shows that error; the app still starts).
   */
  root?: { page: ListPage } | { error: ErrorInfo };
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
  /** Read the pond with this factory node placed, uncommitted (the node editor's preview). */
  draft?: DraftNode;
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
  /** Read the pond with this factory node placed, uncommitted (the node editor's preview). */
  draft?: DraftNode;
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
  /** Read the pond with this factory node placed, uncommitted (the node editor's preview). */
  draft?: DraftNode;
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

/** Make a directory (the app's New folder); its parent must exist. */
export interface MakeFolderRequest {
  pond: string;
  path: string;
}

/** Rename an entry in its directory: `name` is the new name (never a directory to move into). */
export interface RenameRequest {
  pond: string;
  path: string;
  name: string;
}

/** What reverting a transaction would do (History's "Revert this transaction", Undo). */
export interface RevertPlanRequest {
  pond: string;
  txn: number;
}

// ---- Derived nodes: the factories, checking and previewing a config, making the node ----

/** One key of a factory's YAML config, for completion and the editor's help. */
export interface ConfigKeyInfo {
  name: string;
  /** What the value is, as the user reads it: 'string', 'duration', 'input URL', 'SQL'... */
  type: string;
  required: boolean;
  /** One line on what it does. */
  doc: string;
  /** The values it takes, when they are few. */
  values?: string[];
  /** The keys of the mapping it holds, or of each mapping of the list it holds. */
  keys?: ConfigKeyInfo[];
}

/** A factory of the engine's registry (`pond list-factories`), with its config's keys. */
export interface FactoryInfo {
  name: string;
  /** The entry type of the node it makes. */
  makes: EntryKind;
  /** One line on what it makes. */
  description: string;
  keys: ConfigKeyInfo[];
  /** A config to start from (valid YAML, with comments). */
  example: string;
}

/**
 * A factory node as the editor holds it, before it is made: mknod's arguments. `overwrite`
 * replaces the config of an existing factory node at `path` (mknod --overwrite).
 */
export interface DraftNode {
  factory: string;
  path: string;
  /** The YAML config as written. */
  config: string;
  overwrite: boolean;
}

export interface NodeCheckRequest {
  pond: string;
  draft: DraftNode;
  /** Building the node plans its queries: tagged, the check can be stopped. */
  query?: QueryTag;
}

/** An error (the node cannot be made) or a warning (it can, e.g. an input matches nothing yet). */
export interface ConfigProblem {
  severity: 'error' | 'warning';
  message: string;
  code?: string;
  /** The config key it is about, as the engine names it (`aggregations[0].type`). */
  key?: string;
  /** Where in the config text it is (UTF-16 offsets), when it can be placed. */
  from?: number;
  to?: number;
  /** DuckDB's own message, for bad SQL. */
  cause?: string;
}

/** What checking a draft found: mknod's own checks, in a transaction that is never committed. */
export interface NodeCheck {
  /** No errors: Create would make the node. */
  ok: boolean;
  problems: ConfigProblem[];
  /** The tables and series the node makes (itself, or the files of a derived directory). */
  outputs: { path: string; kind: EntryKind }[];
  /** More outputs than listed. */
  outputsTotal: number;
}

export interface SaveNodeRequest {
  pond: string;
  draft: DraftNode;
}

/** What a save-node write job made. */
export interface SavedNode {
  path: string;
  result: 'created' | 'updated' | 'unchanged';
  warnings: string[];
}

/** A downsampled view of a series: a file of a factory node (temporal-reduce) that reads it. */
export interface DownsampledView {
  /** The resolution, e.g. `1h`. */
  label: string;
  path: string;
  /** The factory node that makes it. */
  reader: string;
  /** Its columns (a reduce names them `<column>.<aggregation>`). */
  columns: ColumnInfo[];
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
  /**
   * The open pond (handle) a write job commits to: when it ends, the app reads the pond's summary
   * (latest transaction) and history again.
   */
  pond?: string;
}

/** What a write job (one transaction) answers when it is done. */
export interface WriteJobResult<T = unknown> {
  /** The transaction it made, or undefined when nothing changed. */
  txn: number | undefined;
  value: T;
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

/** Run now, in the Collectors view: a command of an executable node (collectors.ts). */
export interface RunCollectorRequest {
  pond: string;
  path: string;
  /** The factory's first command when absent (hydrovu: collect). */
  command?: string;
  args?: string[];
}

export interface PushBackupRequest {
  pond: string;
  /** The backup's name. */
  backup: string;
}

// ---- Export (the export wizard, export profiles, "export this result") ----

/** Where the app lists and saves export profiles. */
export const EXPORT_PROFILES_DIR = '/etc/exports';

export type ExportFormat = 'parquet' | 'csv';

/**
 * An export as the user states it: the `pond export` flags, and the keys of a profile
 * (`patterns`, `dir`, `temporal`, `start-time`, `end-time`, `template`, `vars`, `format`).
 */
export interface ExportSettings {
  patterns: string[];
  /**
   * The output folder on the host: absolute, or under `pond serve` also relative to its export
   * root. Saved profiles always hold the absolute folder.
   */
  dir: string;
  /** Time parts in order: year, month, day, hour, minute, second. */
  temporal: string[];
  /** As written: a UTC time (2024-07-01) or one relative to the run (-30d, today-7d, now). */
  startTime?: string;
  endTime?: string;
  /** Pond paths or host:/// URLs of Nunjucks templates. */
  templates: string[];
  vars: Record<string, string>;
  format: ExportFormat;
}

export interface ExportMatchRequest {
  pond: string;
  patterns: string[];
  asOf?: number;
}

export interface ExportMatch {
  path: string;
  kind: EntryKind;
  captures: string[];
  /** Where it goes, relative to the output folder. */
  out: string;
  /** The data's own first and last time, when the pond knows it without a scan (stored series). */
  start?: string;
  end?: string;
}

/** One pattern's live matches, or why it cannot be exported (bad glob, no match, directories). */
export interface PatternMatches {
  pattern: string;
  matches: ExportMatch[];
  error?: ErrorInfo;
}

export interface ExportRunRequest {
  pond: string;
  settings: ExportSettings;
  asOf?: number;
}

/** One file an export writes (plan) or wrote (summary); paths are relative to the output folder. */
export interface ExportFile {
  path: string;
  /** The partition's period (start inclusive, end exclusive), ISO-8601 UTC; null without parts. */
  start: string | null;
  end: string | null;
  rows: number;
  /** Known for data files in a plan, and for every file written. */
  bytes?: number;
  /** First and last row time in the file (plan only). */
  first?: string | null;
  last?: string | null;
}

export interface ExportTargetFiles {
  pattern: string;
  source: string;
  kind: 'data' | 'table' | 'series';
  captures: string[];
  /** The target's place under the output folder. */
  out: string;
  rows: number;
  files: ExportFile[];
}

/** The dry run: what an export would write, replace and remove, without writing a byte. */
export interface ExportPlan {
  /** The transaction it reads (the pond as of it). */
  txn: number;
  /** The absolute output folder. */
  dir: string;
  format: ExportFormat;
  temporal: string[];
  /** The resolved time range (relative times resolved now), ISO-8601 UTC. */
  start: string | null;
  end: string | null;
  targets: ExportTargetFiles[];
  totals: { targets: number; files: number; rows: number };
  /** Existing files the run writes anew, and files under the targets' folders it removes. */
  replaced: string[];
  removed: string[];
  /** Totals of the two lists (the lists stop at 1,000 entries). */
  replacedTotal: number;
  removedTotal: number;
  warnings: string[];
  /** The same export as a `pond export` command line. */
  command: string;
}

/** What a finished export wrote (the result of an `export` job). */
export interface ExportSummary {
  txn: number;
  dir: string;
  format: ExportFormat;
  temporal: string[];
  start: string | null;
  end: string | null;
  targets: ExportTargetFiles[];
  totals: { targets: number; files: number; rows: number; bytes: number };
  /** Host path of export.json. */
  metadataFile: string;
  /** Host paths of rendered template pages. */
  pages: string[];
  command: string;
}

/** A profile found in the pond: its settings, or why it does not validate. */
export interface ExportProfileInfo {
  path: string;
  settings?: ExportSettings;
  error?: ErrorInfo;
}

export interface SaveExportProfileRequest {
  pond: string;
  /** Pond path of the YAML file, e.g. /etc/exports/portal.yaml. */
  path: string;
  settings: ExportSettings;
  /** Replace an existing profile (as a new version of the file). */
  overwrite: boolean;
}

export type ResultFormat = 'csv' | 'parquet' | 'jsonl';

/** The whole result of the data grid: a node with the user's SQL and sort. */
export interface ResultExportRequest {
  pond: string;
  path: string;
  sql?: string;
  sort?: { column: string; descending: boolean }[];
  format: ResultFormat;
  asOf?: number;
}

/** What an `export-result` job wrote. */
export interface ResultExportSummary {
  format: ResultFormat;
  rows: number;
  bytes: number;
  /** The file's name (the download's name in the browser). */
  fileName: string;
  /** Electron: where it was saved. Under `pond serve` it waits for its download. */
  savedTo?: string;
}

/** Every call the UI makes. Implemented by pond/service; reached through electron/ or `pond serve`. */
export interface PondService {
  appInfo(): Promise<AppInfo>;
  openPonds(): Promise<PondSummary[]>;
  /** appInfo, openPonds and the first open pond's root page at once (the app's first screen). */
  firstScreen(req: FirstScreenRequest): Promise<FirstScreen>;
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
  /** The pond's collectors (executable factory nodes), each with its last run. */
  collectors(pond: string): Promise<CollectorInfo[]>;
  /**
   * Runs a collector's command as a job ('run-collector'): fetching first, then one transaction
   * queued with the app's other writes; progress carries each line of the run's log, the result
   * is its RunRecord.
   */
  runCollector(req: RunCollectorRequest): Promise<JobInfo>;
  /** The export wizard's live matches: per pattern, its targets or its error. */
  exportMatches(req: ExportMatchRequest): Promise<PatternMatches[]>;
  /** The dry run (the same engine function as `pond export --dry-run`). */
  exportPlan(req: ExportRunRequest): Promise<ExportPlan>;
  /** Starts an export job; its result is an ExportSummary. */
  exportRun(req: ExportRunRequest): Promise<JobInfo>;
  /** The profiles under EXPORT_PROFILES_DIR. */
  exportProfiles(req: { pond: string; asOf?: number }): Promise<ExportProfileInfo[]>;
  /** Saves a profile as a write job (one transaction); its result is a WriteJobResult. */
  saveExportProfile(req: SaveExportProfileRequest): Promise<JobInfo>;
  /**
   * Starts an `export-result` job writing the whole result (ResultExportSummary). In Electron a
   * save dialog asks where first (undefined when the user cancels); under `pond serve` the file
   * is downloaded from DOWNLOAD_PREFIX + job id once the job is done.
   */
  exportResult(req: ResultExportRequest): Promise<JobInfo | undefined>;
  /** Electron: a native folder dialog for the export's output folder (undefined: cancelled). */
  chooseExportFolder(): Promise<string | undefined>;
  /** Electron: a native file dialog for a template; answers its host:/// URL. */
  chooseTemplateFile(): Promise<string | undefined>;
  /** Electron: opens a finished export's folder in the system's file manager. */
  showExportFolder(jobId: string): Promise<void>;

  /**
   * The import wizard's first guess for a staged file dropped on `dest`: into a directory under
   * its own name, as a series when it has a time column (else a table; other files as data), or
   * onto a file as its new version.
   */
  importProposal(req: ImportProposalRequest): Promise<ImportFileSpec>;
  /** Plans one file and previews it from a scan of the whole file (`pond copy --dry-run`). */
  importPreview(req: ImportPreviewRequest): Promise<ImportFilePreview>;
  /**
   * Starts the import as write jobs: one for every file (`one` transaction) or one per file
   * (`each`). Each converts its files first (cancellable, outside the pond's write lock), then
   * places them in one transaction; its result is a WriteJobResult of ImportedFile[].
   */
  importRun(req: ImportRunRequest): Promise<JobInfo[]>;
  /** The wizard is done with these staged files: uploads are removed. Unknown ids are ignored. */
  releaseImportSources(ids: string[]): Promise<void>;
  /** Electron: a native dialog to choose files to import (undefined: cancelled). */
  chooseImportFiles(): Promise<ImportSource[] | undefined>;
  // Editing: each a write job (one transaction) whose result is a WriteJobResult<EditResult>.
  makeFolder(req: MakeFolderRequest): Promise<JobInfo>;
  renamePath(req: RenameRequest): Promise<JobInfo>;
  movePaths(req: MoveRequest): Promise<JobInfo>;
  removePaths(req: RemoveRequest): Promise<JobInfo>;
  restorePath(req: RestoreRequest): Promise<JobInfo>;
  revertTxn(req: RevertRequest): Promise<JobInfo>;
  /** What reverting a transaction would do and what blocks it; changes nothing. */
  revertPlan(req: RevertPlanRequest): Promise<RevertPlanInfo>;
  /** The factory nodes that read these paths (before a move or a delete). */
  readersOf(req: ReadersRequest): Promise<ReadersInfo>;

  /** The engine's factories, with their config keys. */
  factories(): Promise<FactoryInfo[]>;
  /** mknod's checks of a draft (unknown keys, durations, SQL, inputs), writing nothing. */
  checkNode(req: NodeCheckRequest): Promise<NodeCheck>;
  /** Makes the node, or replaces its config (overwrite), as a write job: WriteJobResult<SavedNode>. */
  saveNode(req: SaveNodeRequest): Promise<JobInfo>;
  /** The downsampled views (temporal-reduce outputs) of a series, from the nodes that read it. */
  downsampledViews(req: NodeRequest): Promise<DownsampledView[]>;
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
  | { kind: 'showError'; error: ErrorInfo }
  | { kind: 'export' }
  | { kind: 'import' }
  | { kind: 'undo' };
