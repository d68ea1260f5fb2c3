import { basename } from 'node:path';
import type {
  ExportMatch,
  ExportPlan,
  ExportProfileInfo,
  ExportRunRequest,
  ExportSummary,
  JobInfo,
  PatternMatches,
  ResultExportRequest,
  SaveExportProfileRequest,
} from '../../shared/api.js';
import { EXPORT_PROFILES_DIR } from '../../shared/api.js';
import {
  ErrorCode,
  PondError,
  fromErrorInfo,
  isPondError,
  toErrorInfo,
} from '../../shared/errors.js';
import {
  checkSettings,
  commandLine,
  exportRequest,
  matchPatterns,
  planExport,
  profileYaml,
  readProfile,
  runExport,
  type ExportRequest,
  type ExportResult,
} from '../export/index.js';
import { isDirectory, isFile } from '../tinyfs/node.js';
import { dirname, joinPath } from '../tinyfs/path.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { ExportDestinations } from './export-destination.js';
import { FinishedExports } from './finished-exports.js';
import { isoFromMicros } from './iso-time.js';
import type { Job } from '../job/job.js';
import type { JobRunner } from './jobs.js';
import type { OpenPond } from './pond-registry.js';
import { exportResult, resultFileName } from './result-export.js';
import type { WriteJobs } from './write-jobs.js';

/** Native dialogs the export features use (the desktop app). */
export interface ExportDialogs {
  chooseExportFolder?(): Promise<string | undefined>;
  /** A file to save a result in; `defaultName` is suggested. */
  chooseSaveFile?(defaultName: string): Promise<string | undefined>;
  chooseTemplateFile?(): Promise<string | undefined>;
  showFolder?(path: string): Promise<void>;
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  jsonl: 'application/x-ndjson; charset=utf-8',
} as const;

/**
 * The app's export features over one service: the wizard (matches, dry run, run), export
 * profiles (listed, saved as write jobs), "export this result", and what finished exports
 * offer (a download under `pond serve`, "Open folder" in Electron).
 */
export class ExportService {
  readonly finished = new FinishedExports();

  constructor(
    private readonly jobs: JobRunner,
    private readonly writes: WriteJobs,
    readonly destinations: ExportDestinations,
    private readonly dialogs: ExportDialogs | undefined,
  ) {}

  /** The wizard's live matches: per pattern its targets (captures, output place) or its error. */
  async matches(open: OpenPond, patterns: string[], asOf?: number): Promise<PatternMatches[]> {
    return open.pond.read(async (txn) => {
      const found = await matchPatterns(txn, patterns);
      const out: PatternMatches[] = [];
      for (const f of found) {
        const matches: ExportMatch[] = [];
        for (const t of f.targets) {
          const m: ExportMatch = {
            path: t.path,
            kind: t.node.type,
            captures: t.captures,
            out: t.out,
          };
          if (t.node.type === 'series') Object.assign(m, await recordedRange(t.node));
          matches.push(m);
        }
        out.push({
          pattern: f.pattern,
          matches,
          ...(f.error ? { error: toErrorInfo(f.error) } : {}),
        });
      }
      return out;
    }, asOf);
  }

  /** The dry run, as a job (it counts rows, which may take a while), awaited. */
  async plan(open: OpenPond, req: ExportRunRequest): Promise<ExportPlan> {
    const request = await this.request(req);
    const started = this.jobs.start(
      'export dry run',
      (job) => planExport(open.pond, request, job),
      {
        uses: open.handle,
      },
    );
    const done = await this.jobs.wait(started.id);
    if (done.state !== 'done') throw fromErrorInfo(done.error!);
    return {
      ...(done.result as Omit<ExportPlan, 'command'>),
      command: commandLine({ ...req.settings, dir: request.outDir }),
    };
  }

  /** Starts the export job; its result is an ExportSummary. */
  async run(open: OpenPond, req: ExportRunRequest): Promise<JobInfo> {
    const request = await this.request(req);
    const command = commandLine({ ...req.settings, dir: request.outDir });
    let id = '';
    const info = this.jobs.start(
      'export',
      async (job) => {
        const r = await runExport(open.pond, request, job);
        const summary = exportSummary(r, request, command);
        this.finished.add(id, {
          kind: 'folder',
          pond: open.handle,
          dir: request.outDir,
          files: [
            ...summary.targets.flatMap((t) => t.files.map((f) => f.path)),
            ...r.pages.map((p) => p.slice(request.outDir.length + 1)),
            'export.json',
          ],
          name: `${basename(request.outDir) || 'export'}.zip`,
        });
        return summary;
      },
      { uses: open.handle },
    );
    id = info.id;
    return info;
  }

  /**
   * The profiles under EXPORT_PROFILES_DIR, each with its settings or the reason it does not
   * validate. In the desktop app, a stored profile's folder may be written (it is part of the
   * pond, like a folder picked in the dialog).
   */
  async profiles(open: OpenPond, asOf?: number): Promise<ExportProfileInfo[]> {
    const found = await open.pond.read(async (txn) => {
      const wd = await txn.wd();
      let dir;
      try {
        dir = await wd.lookup(EXPORT_PROFILES_DIR);
      } catch (e) {
        if (isPondError(e, ErrorCode.NotFound)) return []; // no /etc yet
        throw e;
      }
      if (!dir.found || !isDirectory(dir.node)) return [];
      const out: ExportProfileInfo[] = [];
      for (const e of await dir.node.entries()) {
        if (!/\.ya?ml$/i.test(e.name)) continue;
        const path = joinPath(EXPORT_PROFILES_DIR, e.name);
        try {
          out.push({ path, settings: await readProfile(txn, path) });
        } catch (err) {
          out.push({ path, error: toErrorInfo(err) });
        }
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : 1));
    }, asOf);
    if (this.dialogs) {
      for (const p of found) if (p.settings) await this.destinations.grantFolder(p.settings.dir);
    }
    return found;
  }

  /** Saves settings as a profile: a write job (one transaction) making the YAML file. */
  async saveProfile(open: OpenPond, req: SaveExportProfileRequest): Promise<JobInfo> {
    if (!/\.ya?ml$/i.test(req.path)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `a profile is a YAML file: name it with .yaml (e.g. ${EXPORT_PROFILES_DIR}/portal.yaml)`,
        { input: req.path },
      );
    }
    // Saved with the absolute folder (a profile runs from cron), checked as a profile is read.
    const dir = await this.destinations.outputFolder(req.settings.dir);
    for (const t of req.settings.templates) await this.destinations.checkTemplate(t);
    const settings = checkSettings({ ...req.settings, dir }, req.path);
    const yaml = profileYaml(settings, req.path);
    return this.writes.start(
      open,
      'save export profile',
      ['app', 'export', 'save-profile', req.path],
      async (txn: PondTxn, job: Job) => {
        job.progress({ done: 0, total: 1, message: `saving ${req.path}` });
        const wd = await txn.wd();
        // Inside the transaction: a refusal below drops the folders made here too.
        await wd.mkdir(dirname(req.path), { parents: true });
        const existing = await wd.lookup(req.path);
        if (existing.found && !req.overwrite) {
          throw new PondError(
            ErrorCode.AlreadyExists,
            `${req.path} exists: choose another name, or replace it`,
            { input: req.path },
          );
        }
        if (existing.found && !(isFile(existing.node) && existing.node.type === 'data')) {
          throw new PondError(
            ErrorCode.WrongType,
            `${req.path} is a ${existing.node.type}, not a profile`,
            { input: req.path },
          );
        }
        await wd.writeFile(req.path, 'data', { bytes: Buffer.from(yaml) });
        return { path: req.path, settings };
      },
    );
  }

  /** Starts "export this result"; in Electron a save dialog asks where first. */
  async result(open: OpenPond, req: ResultExportRequest): Promise<JobInfo | undefined> {
    let deliver: string | undefined;
    if (this.dialogs) {
      if (!this.dialogs.chooseSaveFile) throw unsupported('save dialogs');
      deliver = await this.dialogs.chooseSaveFile(resultFileName(req.path, req.format));
      if (deliver === undefined) return undefined;
    }
    let id = '';
    const info = this.jobs.start(
      'export result',
      async (job) => {
        const { summary, file } = await exportResult(open, req, job, deliver);
        if (deliver === undefined) {
          this.finished.add(id, {
            kind: 'file',
            pond: open.handle,
            path: file,
            name: summary.fileName,
            contentType: CONTENT_TYPES[req.format],
            temporary: true,
          });
        }
        return summary;
      },
      { uses: open.handle },
    );
    id = info.id;
    return info;
  }

  async chooseFolder(): Promise<string | undefined> {
    if (!this.dialogs?.chooseExportFolder) throw unsupported('folder dialogs');
    const path = await this.dialogs.chooseExportFolder();
    if (path !== undefined) await this.destinations.grantFolder(path);
    return path;
  }

  async chooseTemplate(): Promise<string | undefined> {
    if (!this.dialogs?.chooseTemplateFile) throw unsupported('file dialogs');
    const path = await this.dialogs.chooseTemplateFile();
    if (path === undefined) return undefined;
    await this.destinations.grantFile(path);
    return `host://${path.startsWith('/') ? path : '/' + path}`;
  }

  async showFolder(jobId: string): Promise<void> {
    if (!this.dialogs?.showFolder) throw unsupported('opening folders');
    const e = this.finished.get(jobId);
    if (e?.kind !== 'folder') {
      throw new PondError(ErrorCode.NotFound, `no finished export has the job id ${jobId}`, {
        input: jobId,
      });
    }
    await this.dialogs.showFolder(e.dir);
  }

  /** The engine's request for the app's settings: the folder checked, times resolved now. */
  private async request(req: ExportRunRequest): Promise<ExportRequest> {
    const outDir = await this.destinations.outputFolder(req.settings.dir);
    for (const t of req.settings.templates) await this.destinations.checkTemplate(t);
    return exportRequest(checkSettings({ ...req.settings, dir: outDir }, 'from the app'), {
      outDir,
      nowMs: Date.now(),
      ...(req.asOf === undefined ? {} : { asOf: req.asOf }),
    });
  }
}

function unsupported(what: string): PondError {
  return new PondError(
    ErrorCode.Unsupported,
    `there are no ${what} in the browser (pond serve); the desktop app has them`,
  );
}

/** A stored series' event-time range as its versions recorded it (no scan). */
async function recordedRange(node: {
  versions(): Promise<{ minEventTimeUs?: number; maxEventTimeUs?: number }[]>;
}): Promise<{ start?: string; end?: string }> {
  const versions = await node.versions();
  if (versions.length === 0) return {};
  const mins = versions.map((v) => v.minEventTimeUs);
  const maxs = versions.map((v) => v.maxEventTimeUs);
  if (mins.some((x) => x === undefined) || maxs.some((x) => x === undefined)) return {};
  return {
    start: isoFromMicros(Math.min(...(mins as number[]))),
    end: isoFromMicros(Math.max(...(maxs as number[]))),
  };
}

/** The app's summary of a finished export: per target its files, and totals. */
export function exportSummary(r: ExportResult, req: ExportRequest, command: string): ExportSummary {
  const targets = r.written.map(({ pattern, out, leaf }) => ({
    pattern,
    source: leaf.source,
    kind: leaf.type,
    captures: leaf.captures,
    out,
    rows: leaf.files.reduce((n, f) => n + f.rows, 0),
    files: leaf.files.map((f) => ({ ...f })),
  }));
  const files = targets.flatMap((t) => t.files);
  return {
    txn: r.metadata.txn,
    dir: req.outDir,
    format: r.metadata.format,
    temporal: r.metadata.temporal,
    start: r.metadata.start,
    end: r.metadata.end,
    targets,
    totals: {
      targets: targets.length,
      files: files.length,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.reduce((n, f) => n + f.bytes, 0),
    },
    metadataFile: r.metadataFile,
    pages: r.pages,
    command,
  };
}
