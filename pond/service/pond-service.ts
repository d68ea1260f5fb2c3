import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type {
  AppInfo,
  ChartData,
  ChartRequest,
  ExportMatchRequest,
  ExportPlan,
  ExportProfileInfo,
  ExportRunRequest,
  HistoryRequest,
  JobInfo,
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
  RecentPond,
  TxnInfo,
} from '../../shared/api.js';
import { ErrorCode, PondError, fromErrorInfo } from '../../shared/errors.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { appVersion } from './app-version.js';
import { chartData } from './chart.js';
import { ensureDemoPond } from './demo-pond.js';
import { ExportDestinations } from './export-destination.js';
import { ExportService, type ExportDialogs } from './export-service.js';
import type { FinishedExport } from './finished-exports.js';
import { history } from './history.js';
import { isoFromMillis } from './iso-time.js';
import { JobRunner } from './jobs.js';
import { nodeDetails } from './node-details.js';
import { createPond } from './open-pond.js';
import { PondRegistry, summaryOf, type OpenPond } from './pond-registry.js';
import { previewPage } from './preview.js';
import { RecentPonds } from './recent-ponds.js';
import { treePage } from './tree-page.js';
import { WriteJobs } from './write-jobs.js';

/** Native folder pickers, provided by the desktop app (absent under `pond serve`). */
export interface HostDialogs extends ExportDialogs {
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
}

/**
 * PondService over the engine, in the process that owns the ponds (Electron's main process or
 * `pond serve`). Ponds are named by handles; host paths come in only from the host side (the
 * command line, native dialogs) or from the recent-ponds list, never from the UI.
 */
export class LocalPondService implements PondService {
  readonly jobRunner = new JobRunner();
  /** The app's writes: one transaction each, as jobs, one at a time per pond. */
  readonly writeJobs = new WriteJobs(this.jobRunner);
  private readonly ponds: PondRegistry;
  private readonly exporting: Promise<ExportService>;
  private readonly recent: RecentPonds;
  private readonly registry: FactoryRegistry;
  private demo: Promise<string> | undefined;

  constructor(private readonly options: PondServiceOptions) {
    this.registry = options.registry ?? defaultRegistry();
    this.ponds = new PondRegistry({ registry: this.registry });
    this.recent = RecentPonds.in(options.appData);
    this.exporting = ExportDestinations.create({
      ...(options.exportRoot === undefined ? {} : { exportRoot: options.exportRoot }),
      dialogs: !!options.dialogs,
    }).then((d) => new ExportService(this.jobRunner, this.writeJobs, d, options.dialogs));
    // Awaited by every export call (and by `exports()` at startup), which report a bad root.
    this.exporting.catch(() => undefined);
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
      ...(root === undefined ? {} : { exportRoot: root }),
    };
  }

  async openPonds(): Promise<PondSummary[]> {
    return Promise.all(this.ponds.list().map(summaryOf));
  }

  async recentPonds(): Promise<RecentPond[]> {
    return this.recent.list();
  }

  async openRecent(path: string): Promise<PondSummary> {
    if (!(await this.recent.has(path))) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `'${path}' is not on the recent ponds list; open it from the File menu or with --pond`,
        { input: path },
      );
    }
    return this.openPath(path);
  }

  async openPondDialog(): Promise<PondSummary | undefined> {
    const path = await this.dialogs().chooseExistingPond();
    return path === undefined ? undefined : this.openPath(path);
  }

  async createPondDialog(birthplace: string): Promise<PondSummary | undefined> {
    const path = await this.dialogs().chooseNewPondFolder();
    if (path === undefined) return undefined;
    if (existsSync(path) && (await readdir(path)).length > 0) {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `${path} is not empty: choose a new or empty folder for the pond`,
        { input: path },
      );
    }
    const pond = await createPond(
      path,
      birthplace,
      { command: ['app', 'create', birthplace] },
      {
        registry: this.registry,
      },
    );
    const open = await this.ponds.adopt(pond);
    await this.recent.add(open.path, open.path.split(/[\\/]/).pop() ?? open.path);
    return summaryOf(open);
  }

  async openDemoPond(): Promise<PondSummary> {
    this.demo ??= this.makeDemo().finally(() => (this.demo = undefined));
    return this.openPath(await this.demo);
  }

  async closePond(pond: string): Promise<void> {
    this.ponds.get(pond);
    await (await this.exporting).finished.closePond(pond);
    await this.ponds.close(pond);
  }

  async list(req: ListRequest): Promise<ListPage> {
    return treePage(this.ponds.get(req.pond), req);
  }

  async details(req: NodeRequest): Promise<NodeDetails> {
    return nodeDetails(this.ponds.get(req.pond), req);
  }

  async preview(req: PreviewRequest): Promise<PreviewPage> {
    return previewPage(this.ponds.get(req.pond), req);
  }

  async chart(req: ChartRequest): Promise<ChartData> {
    return chartData(this.ponds.get(req.pond), req);
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
      changes: r.changes.map((c) => ({ path: c.path, action: c.action, kind: c.type })),
      changesTotal: r.changesTotal,
    }));
  }

  async jobs(): Promise<JobInfo[]> {
    return this.jobRunner.list();
  }

  async cancelJob(id: string): Promise<void> {
    this.jobRunner.cancel(id);
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

  /** What a finished export job offers for download (pond serve), if anything. */
  async download(jobId: string): Promise<FinishedExport | undefined> {
    return (await this.exporting).finished.get(jobId);
  }

  /** A download of a job's result file completed: a temporary file goes. */
  async downloaded(jobId: string): Promise<void> {
    await (await this.exporting).finished.downloaded(jobId);
  }

  /** Job events, for the transport to push to the UI. */
  onJobEvent(listener: (job: JobInfo) => void): () => void {
    return this.jobRunner.subscribe(listener);
  }

  /**
   * Opens a pond named by the host side (command line, native dialog, recent list) and puts it
   * on the recent list.
   */
  async openPath(path: string): Promise<PondSummary> {
    const open = await this.ponds.open(resolve(path));
    await this.recent.add(open.path, open.path.split(/[\\/]/).pop() ?? open.path);
    return summaryOf(open);
  }

  /** Closes every pond (the app quits, the server stops). */
  async close(): Promise<void> {
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

  /** Makes the demo pond (as a job, so the UI shows its progress) and returns its folder. */
  private async makeDemo(): Promise<string> {
    const started = this.jobRunner.start('demo-pond', (ctx) =>
      ensureDemoPond(this.options.appData, {
        registry: this.registry,
        progress: (p) => ctx.progress(p),
      }),
    );
    const done = await this.jobRunner.wait(started.id);
    if (done.state !== 'done') throw fromErrorInfo(done.error!);
    return (done.result as { path: string }).path;
  }
}
