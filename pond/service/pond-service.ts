import { lstat, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type {
  ImportFilePreview,
  ImportFileSpec,
  ImportPreviewRequest,
  ImportProposalRequest,
  ImportRunRequest,
  ImportSource,
} from '../../shared/app-import.js';
import type {
  AppInfo,
  BackupInfo,
  ChartData,
  ChartRequest,
  DownsampledView,
  ExportMatchRequest,
  ExportPlan,
  ExportProfileInfo,
  ExportRunRequest,
  FactoryInfo,
  FirstScreen,
  FirstScreenRequest,
  ColumnProfile,
  DataContent,
  DataRequest,
  ProfileRequest,
  HistoryRequest,
  JobInfo,
  MakeFolderRequest,
  MoveRequest,
  NodeCheck,
  NodeCheckRequest,
  ReadersInfo,
  ReadersRequest,
  RemoveRequest,
  RenameRequest,
  RestoreRequest,
  RevertPlanInfo,
  RevertPlanRequest,
  RevertRequest,
  SaveNodeRequest,
  PatternMatches,
  ResultExportRequest,
  SaveExportProfileRequest,
  ListPage,
  ListRequest,
  NodeDetails,
  NodeRequest,
  PondService,
  PondSummary,
  PreviewPage,
  PreviewRequest,
  PushBackupRequest,
  RunCollectorRequest,
  RecentPond,
  TxnInfo,
} from '../../shared/api.js';
import { ErrorCode, PondError, fromErrorInfo, toErrorInfo } from '../../shared/errors.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond } from '../tlogfs/pond.js';
import { appVersion } from './app-version.js';
import type { CallContext } from './call-context.js';
import type { CollectorInfo } from '../../shared/collectors.js';
import { Backups } from './backups.js';
import { listCollectors, startCollectorRun } from './collectors.js';
import { chartData } from './chart.js';
import { CommitWatch } from './commit-watch.js';
import { ensureDemoPond } from './demo-pond.js';
import { downsampledViews } from './downsampled-views.js';
import { EditJobs } from './edit-jobs.js';
import { changeInfo } from './edit-result.js';
import { ExportDestinations } from './export-destination.js';
import { ExportService, type ExportDialogs } from './export-service.js';
import type { FinishedExport } from './finished-exports.js';
import { history } from './history.js';
import { ImportService, type ImportDialogs } from './import-service.js';
import { isoFromMillis } from './iso-time.js';
import { JobRunner } from './jobs.js';
import { nodeDetails } from './node-details.js';
import { factoryInfos } from './factory-info.js';
import { checkNode } from './node-check.js';
import { refuseHostReads } from './app-draft-reads.js';
import { createPond } from './open-pond.js';
import { columnProfiles } from './column-profile.js';
import { dataContent } from './data-content.js';
import { HOST, PondRegistry, summaryOf, type OpenPond } from './pond-registry.js';
import { previewPage } from './preview.js';
import { QueryRuns } from './query-runs.js';
import { readersOf } from './readers.js';
import { DEFAULT_QUERY_TIME_LIMIT_MS } from './query-time-limit.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES } from './upload-limit.js';
import { RecentPonds } from './recent-ponds.js';
import { revertPlan } from './revert.js';
import { treePage } from './tree-page.js';
import { WriteJobs } from './write-jobs.js';

/** Native folder pickers, provided by the desktop app (absent under `pond serve`). */
export interface HostDialogs extends ExportDialogs, ImportDialogs {
  /** A folder holding a pond; undefined when the user cancels. */
  chooseExistingPond(): Promise<string | undefined>;
  /** A new or empty folder to make a pond in; undefined when the user cancels. */
  chooseNewPondFolder(): Promise<string | undefined>;
}

export interface PondServiceOptions {
  mode: AppInfo['mode'];
  /** The app's data folder (recent ponds, the demo pond). */
  appData: string;
  dialogs?: HostDialogs;
  registry?: FactoryRegistry;
  /** `pond serve --export-root`: the one host folder exports from the browser may write in. */
  exportRoot?: string;
  /**
   * How long one preview, chart or details call may run before it is stopped, in ms (0: no limit);
   * DEFAULT_QUERY_TIME_LIMIT_MS when absent.
   */
  queryTimeLimitMs?: number;
  /** `pond serve --max-upload`: the largest file the browser may upload for an import. */
  uploadLimitBytes?: number;
  /** How long a staged upload nobody uses is kept (DEFAULT_SOURCE_IDLE_MS when absent). */
  uploadIdleMs?: number;
}

export { DEFAULT_QUERY_TIME_LIMIT_MS };

/** The demo pond being built: the job, and how many calls wait for it. */
interface DemoBuild {
  jobId: string;
  path: Promise<string>;
  waiters: number;
}

/**
 * PondService over the engine, in the process that owns the ponds (Electron's main process or
 * `pond serve`). Ponds are named by handles; host paths come in only from the host side (the
 * command line, native dialogs) or from the recent-ponds list, never from the UI.
 */
export class LocalPondService implements PondService {
  readonly jobRunner = new JobRunner();
  private readonly backupJobs = new Backups(this.jobRunner);
  /** The app's writes: one transaction each, as jobs, one at a time per pond. */
  readonly writeJobs = new WriteJobs(this.jobRunner);
  /** New folder, rename, move, delete, restore, revert, derived nodes: write jobs. */
  private readonly edits = new EditJobs(this.writeJobs);
  private readonly ponds: PondRegistry;
  private readonly exporting: Promise<ExportService>;
  private readonly recent: RecentPonds;
  private readonly registry: FactoryRegistry;
  private readonly queries: QueryRuns;
  private readonly queryTimeLimitMs: number;
  private demo: DemoBuild | undefined;
  /** The import wizard's work: staged files, previews, import jobs. */
  readonly imports: ImportService;
  private readonly pondListeners = new Set<(pond: PondSummary) => void>();
  /** New transactions of the open ponds, whoever commits them, pushed to the UI. */
  private readonly commits = new CommitWatch((open) => {
    void summaryOf(open).then(
      (summary) => {
        for (const l of this.pondListeners) l(summary);
      },
      () => undefined,
    );
  });
  /** Automatic backups: pushed as background jobs, so the app's writes return at once. */
  private readonly afterCommit = (pond: Pond): Promise<void> =>
    this.backupJobs.afterCommit(pond).catch(() => undefined);

  constructor(private readonly options: PondServiceOptions) {
    this.registry = options.registry ?? defaultRegistry();
    this.ponds = new PondRegistry({
      registry: this.registry,
      afterCommit: this.afterCommit,
      // A pond closing under a running job (its tab closed it, or went away) cancels the job.
      beforeClose: (handle) => this.jobRunner.stopPond(handle),
    });
    this.recent = RecentPonds.in(options.appData);
    this.queryTimeLimitMs = options.queryTimeLimitMs ?? DEFAULT_QUERY_TIME_LIMIT_MS;
    this.queries = new QueryRuns(
      this.queryTimeLimitMs > 0 ? this.queryTimeLimitMs : undefined,
      options.mode === 'browser'
        ? 'pond serve --query-timeout SECONDS changes it'
        : 'set by the app',
    );
    this.exporting = ExportDestinations.create({
      ...(options.exportRoot === undefined ? {} : { exportRoot: options.exportRoot }),
      dialogs: !!options.dialogs,
    }).then((d) => new ExportService(this.jobRunner, this.writeJobs, d, options.dialogs));
    // Awaited by every export call (and by `exports()` at startup), which report a bad root.
    this.exporting.catch(() => undefined);
    this.imports = new ImportService(
      this.writeJobs,
      this.queries,
      options.dialogs,
      options.uploadIdleMs,
    );
  }

  /** The largest file `pond serve` takes as an upload. */
  get uploadLimitBytes(): number {
    return this.options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  }

  /** The open pond behind a handle (host side only: write jobs, tests, benchmarks). */
  pond(handle: string): OpenPond {
    return this.ponds.get(handle);
  }

  /** The export features; fails when the export root does not exist. */
  exports(): Promise<ExportService> {
    return this.exporting;
  }

  async appInfo(): Promise<AppInfo> {
    const root = (await this.exporting).destinations.exportRoot;
    return {
      mode: this.options.mode,
      version: appVersion(),
      dialogs: !!this.options.dialogs,
      ...(this.queryTimeLimitMs > 0 ? { queryTimeLimitMs: this.queryTimeLimitMs } : {}),
      ...(root === undefined ? {} : { exportRoot: root }),
      ...(this.options.mode === 'browser' ? { uploadLimitBytes: this.uploadLimitBytes } : {}),
    };
  }

  /** The ponds this tab or window holds open, and those the host opened (`pond serve --pond`). */
  async openPonds(_arg?: undefined, context: CallContext = {}): Promise<PondSummary[]> {
    return Promise.all(this.ponds.heldBy(holderOf(context)).map(summaryOf));
  }

  async firstScreen(req: FirstScreenRequest, context: CallContext = {}): Promise<FirstScreen> {
    const [app, open] = await Promise.all([this.appInfo(), this.openPonds(undefined, context)]);
    const first = open[0];
    if (!first) return { app, open };
    const root = await this.list({ pond: first.handle, path: '/', offset: 0, limit: req.rootLimit })
      .then((page) => ({ page }))
      .catch((e: unknown) => ({ error: toErrorInfo(e) }));
    return { app, open, root };
  }

  async recentPonds(): Promise<RecentPond[]> {
    return this.recent.list();
  }

  async openRecent(path: string, context: CallContext = {}): Promise<PondSummary> {
    if (!(await this.recent.has(path))) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `'${path}' is not on the recent ponds list; open it from the File menu or with --pond`,
        { input: path },
      );
    }
    return this.openPath(path, context);
  }

  async forgetRecent(path: string): Promise<void> {
    await this.recent.remove(path);
  }

  async openPondDialog(
    _arg?: undefined,
    context: CallContext = {},
  ): Promise<PondSummary | undefined> {
    const path = await this.dialogs().chooseExistingPond();
    return path === undefined ? undefined : this.openPath(path, context);
  }

  async createPondDialog(
    birthplace: string,
    context: CallContext = {},
  ): Promise<PondSummary | undefined> {
    const path = await this.dialogs().chooseNewPondFolder();
    if (path === undefined) return undefined;
    // The app asks for a new or empty folder; Pond.create refuses a file and any pond folder in use.
    const st = await lstat(path).catch(() => undefined);
    const names = st?.isDirectory() ? await readdir(path) : [];
    if (names.length > 0) {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `${path} is not empty (it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}): choose a new or empty folder for the pond`,
        { input: path },
      );
    }
    const pond = await createPond(
      path,
      birthplace,
      { command: ['app', 'create', birthplace] },
      { registry: this.registry, afterCommit: this.afterCommit },
    );
    const open = await this.ponds.adopt(pond, holderOf(context));
    this.commits.watch(open);
    await this.recent.add(open.path, open.path.split(/[\\/]/).pop() ?? open.path);
    return summaryOf(open);
  }

  /** The demo build is cancelled when every call waiting for it has gone (`context.signal`). */
  async openDemoPond(_arg?: undefined, context: CallContext = {}): Promise<PondSummary> {
    const demo = (this.demo ??= this.startDemo());
    const { signal } = context;
    demo.waiters++;
    const gone = () => {
      if (--demo.waiters === 0) this.jobRunner.cancel(demo.jobId);
    };
    signal?.addEventListener('abort', gone, { once: true });
    if (signal?.aborted) gone();
    try {
      return await this.openPath(await demo.path, context);
    } finally {
      if (!signal?.aborted) {
        signal?.removeEventListener('abort', gone);
        demo.waiters--;
      }
    }
  }

  /**
   * A tab or window closes its view of the pond; the pond itself closes when no tab, window or
   * the host holds it any more. Without a client (the host asks) it lets go of the host's hold.
   */
  async closePond(pond: string, context: CallContext = {}): Promise<void> {
    this.ponds.get(pond);
    if (await this.ponds.release(pond, holderOf(context))) await this.closed(pond);
  }

  /** A tab or window is gone (Electron: its window closed): it lets go of what it held. */
  async releaseClient(client: string): Promise<void> {
    for (const pond of await this.ponds.releaseAll(clientHolder(client))) await this.closed(pond);
  }

  /** What the service keeps for a pond that nobody holds any more goes with it. */
  private async closed(pond: string): Promise<void> {
    await (await this.exporting).finished.closePond(pond);
    this.commits.unwatch(pond);
    await this.imports.sources.closePond(pond);
  }

  async readData(req: DataRequest): Promise<DataContent> {
    return dataContent(this.ponds.get(req.pond), req);
  }

  async profile(req: ProfileRequest, context: CallContext = {}): Promise<ColumnProfile[]> {
    const open = this.ponds.get(req.pond);
    const { query, columns: _c, ...spec } = req;
    return this.queries.track(JSON.stringify(['profile', spec]), query, context.signal, (signal) =>
      columnProfiles(open, req, signal),
    );
  }

  async list(req: ListRequest): Promise<ListPage> {
    return treePage(this.ponds.get(req.pond), req);
  }

  async details(req: NodeRequest, context: CallContext = {}): Promise<NodeDetails> {
    const open = this.ponds.get(req.pond);
    const { query, ...spec } = req;
    return this.queries.track(JSON.stringify(['details', spec]), query, context.signal, (signal) =>
      nodeDetails(open, req, signal),
    );
  }

  async preview(req: PreviewRequest, context: CallContext = {}): Promise<PreviewPage> {
    const open = this.ponds.get(req.pond);
    const { offset: _o, limit: _l, query, ...spec } = req;
    return this.queries.track(JSON.stringify(['preview', spec]), query, context.signal, (signal) =>
      previewPage(open, req, signal),
    );
  }

  async chart(req: ChartRequest, context: CallContext = {}): Promise<ChartData> {
    const open = this.ponds.get(req.pond);
    const { query, ...spec } = req;
    return this.queries.track(JSON.stringify(['chart', spec]), query, context.signal, (signal) =>
      chartData(open, req, signal),
    );
  }

  async cancelQuery(id: string): Promise<void> {
    this.queries.cancel(id);
  }

  async history(req: HistoryRequest): Promise<TxnInfo[]> {
    const { pond } = this.ponds.get(req.pond);
    const records = await history(pond, {
      limit: req.limit,
      ...(req.before === undefined ? {} : { before: req.before }),
    });
    return records.map((r) => ({
      txn: r.seq,
      time: isoFromMillis(r.timestamp),
      operation: r.operation,
      command: r.command,
      user: r.user,
      host: r.host,
      changes: r.changes.map(changeInfo),
      changesTotal: r.changesTotal,
      ...(r.reverts === undefined ? {} : { reverts: r.reverts }),
    }));
  }

  async jobs(): Promise<JobInfo[]> {
    return this.jobRunner.list();
  }

  async cancelJob(id: string): Promise<void> {
    this.jobRunner.cancel(id);
  }

  async backups(pond: string): Promise<BackupInfo[]> {
    return this.backupJobs.list(this.ponds.get(pond).pond);
  }

  async collectors(pond: string): Promise<CollectorInfo[]> {
    return listCollectors(this.ponds.get(pond), this.registry);
  }

  async runCollector(req: RunCollectorRequest): Promise<JobInfo> {
    const { pond, ...run } = req;
    return startCollectorRun(
      this.jobRunner,
      this.writeJobs,
      this.ponds.get(pond),
      this.registry,
      run,
    );
  }

  async pushBackup(req: PushBackupRequest): Promise<JobInfo> {
    return this.backupJobs.push(this.ponds.get(req.pond).pond, req.backup);
  }

  async exportMatches(req: ExportMatchRequest): Promise<PatternMatches[]> {
    return (await this.exporting).matches(this.ponds.get(req.pond), req.patterns, req.asOf);
  }

  async exportPlan(req: ExportRunRequest): Promise<ExportPlan> {
    return (await this.exporting).plan(this.ponds.get(req.pond), req);
  }

  async exportRun(req: ExportRunRequest): Promise<JobInfo> {
    return (await this.exporting).run(this.ponds.get(req.pond), req);
  }

  async exportProfiles(req: { pond: string; asOf?: number }): Promise<ExportProfileInfo[]> {
    return (await this.exporting).profiles(this.ponds.get(req.pond), req.asOf);
  }

  async saveExportProfile(req: SaveExportProfileRequest): Promise<JobInfo> {
    return (await this.exporting).saveProfile(this.ponds.get(req.pond), req);
  }

  async exportResult(req: ResultExportRequest): Promise<JobInfo | undefined> {
    return (await this.exporting).result(this.ponds.get(req.pond), req);
  }

  async chooseExportFolder(): Promise<string | undefined> {
    return (await this.exporting).chooseFolder();
  }

  async chooseTemplateFile(): Promise<string | undefined> {
    return (await this.exporting).chooseTemplate();
  }

  async showExportFolder(jobId: string): Promise<void> {
    return (await this.exporting).showFolder(jobId);
  }

  async makeFolder(req: MakeFolderRequest): Promise<JobInfo> {
    return this.edits.makeFolder(this.ponds.get(req.pond), req);
  }

  async renamePath(req: RenameRequest): Promise<JobInfo> {
    return this.edits.rename(this.ponds.get(req.pond), req);
  }

  async movePaths(req: MoveRequest): Promise<JobInfo> {
    return this.edits.move(this.ponds.get(req.pond), req);
  }

  async removePaths(req: RemoveRequest): Promise<JobInfo> {
    return this.edits.remove(this.ponds.get(req.pond), req);
  }

  async restorePath(req: RestoreRequest): Promise<JobInfo> {
    return this.edits.restore(this.ponds.get(req.pond), req);
  }

  async revertTxn(req: RevertRequest): Promise<JobInfo> {
    return this.edits.revert(this.ponds.get(req.pond), req);
  }

  async revertPlan(req: RevertPlanRequest): Promise<RevertPlanInfo> {
    return revertPlan(this.ponds.get(req.pond).pond, req.txn);
  }

  async readersOf(req: ReadersRequest): Promise<ReadersInfo> {
    const { pond, ...rest } = req;
    return readersOf(this.ponds.get(pond).pond, this.registry, rest);
  }

  async factories(): Promise<FactoryInfo[]> {
    return factoryInfos(this.registry);
  }

  async checkNode(req: NodeCheckRequest, context: CallContext = {}): Promise<NodeCheck> {
    const open = this.ponds.get(req.pond);
    const { query, ...spec } = req;
    return this.queries.track(JSON.stringify(['check', spec]), query, context.signal, (signal) =>
      checkNode(open, req.draft, signal),
    );
  }

  async saveNode(req: SaveNodeRequest): Promise<JobInfo> {
    const open = this.ponds.get(req.pond);
    await refuseHostReads(open, req.draft);
    return this.edits.saveNode(open, req.draft);
  }

  async downsampledViews(req: NodeRequest, context: CallContext = {}): Promise<DownsampledView[]> {
    const open = this.ponds.get(req.pond);
    const { query, ...spec } = req;
    return this.queries.track(JSON.stringify(['views', spec]), query, context.signal, (signal) =>
      downsampledViews(open, req, signal),
    );
  }

  /** What a finished export job offers for download (pond serve), if anything. */
  async download(jobId: string): Promise<FinishedExport | undefined> {
    return (await this.exporting).finished.get(jobId);
  }

  /** A download of a job's result file completed: a temporary file goes. */
  async downloaded(jobId: string): Promise<void> {
    await (await this.exporting).finished.downloaded(jobId);
  }

  async importProposal(req: ImportProposalRequest): Promise<ImportFileSpec> {
    return this.imports.proposal(this.ponds.get(req.pond), req);
  }

  async importPreview(
    req: ImportPreviewRequest,
    context: CallContext = {},
  ): Promise<ImportFilePreview> {
    return this.imports.preview(this.ponds.get(req.pond), req, context.signal);
  }

  async importRun(req: ImportRunRequest): Promise<JobInfo[]> {
    return this.imports.run(this.ponds.get(req.pond), req);
  }

  async releaseImportSources(ids: string[]): Promise<void> {
    await this.imports.sources.release(ids);
  }

  async chooseImportFiles(): Promise<ImportSource[] | undefined> {
    return this.imports.choose();
  }

  /**
   * `pond serve`'s upload of a file to import into the pond `pond`: streamed into the pond's
   * staging, at most uploadLimitBytes (host side only: the transport calls it).
   */
  async receiveUpload(
    pond: string,
    name: string,
    size: number,
    body: Readable,
    signal?: AbortSignal,
  ): Promise<ImportSource> {
    const open = this.ponds.get(pond);
    const limit = this.uploadLimitBytes;
    if (!Number.isSafeInteger(size) || size < 0 || size > limit) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${name} is ${size} bytes, and pond serve takes uploads of at most ${limit} bytes (pond serve --max-upload)`,
        { input: name },
      );
    }
    return this.imports.sources.receive(open, name, size, body, signal);
  }

  /** Files dropped on the desktop app's window (paths from the preload), staged for import. */
  async stageHostFiles(paths: string[]): Promise<ImportSource[]> {
    const out: ImportSource[] = [];
    for (const p of paths) out.push(await this.imports.sources.addHostFile(p));
    return out;
  }

  /** New transactions of the open ponds, for the transport to push to the UI. */
  onPondChanged(listener: (pond: PondSummary) => void): () => void {
    this.pondListeners.add(listener);
    return () => this.pondListeners.delete(listener);
  }

  /** Job events, for the transport to push to the UI. */
  onJobEvent(listener: (job: JobInfo) => void): () => void {
    return this.jobRunner.subscribe(listener);
  }

  /**
   * Opens a pond named by the host side (command line, native dialog, recent list) and puts it
   * on the recent list.
   */
  async openPath(path: string, context: CallContext = {}): Promise<PondSummary> {
    const open = await this.ponds.open(resolve(path), holderOf(context));
    this.commits.watch(open);
    await this.recent.add(open.path, open.path.split(/[\\/]/).pop() ?? open.path);
    return summaryOf(open);
  }

  /**
   * Stops every running query and job, waits for them to end, then closes every pond (the app
   * quits, the server stops).
   */
  async close(): Promise<void> {
    this.queries.cancelAll('the server is stopping');
    await this.jobRunner.stopAll();
    this.commits.closeAll();
    await this.imports.close();
    await (await this.exporting.catch(() => undefined))?.finished.closeAll();
    await this.ponds.closeAll();
  }

  private dialogs(): HostDialogs {
    if (!this.options.dialogs) {
      throw new PondError(
        ErrorCode.Unsupported,
        'there are no file dialogs in the browser (pond serve): start pond serve with --pond PATH, or open a pond from the recent list',
      );
    }
    return this.options.dialogs;
  }

  /** Makes the demo pond as a job (so the UI shows its progress); `path` is its folder. */
  private startDemo(): DemoBuild {
    const started = this.jobRunner.start('demo-pond', (ctx) =>
      ensureDemoPond(this.options.appData, {
        registry: this.registry,
        progress: (p) => ctx.progress(p),
      }),
    );
    const path = this.jobRunner
      .wait(started.id)
      .then((done) => {
        if (done.state !== 'done') throw fromErrorInfo(done.error!);
        return (done.result as { path: string }).path;
      })
      .finally(() => (this.demo = undefined));
    return { jobId: started.id, path, waiters: 0 };
  }
}

/** Holders of a tab or window are kept apart from the host's. */
function clientHolder(client: string): string {
  return `client:${client}`;
}

function holderOf(context: CallContext): string {
  return context.client === undefined ? HOST : clientHolder(context.client);
}
