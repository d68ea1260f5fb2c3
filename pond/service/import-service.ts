import type {
  ImportFilePreview,
  ImportFileSpec,
  ImportPreviewRequest,
  ImportProposalRequest,
  ImportRunRequest,
  ImportSource,
} from '../../shared/app-import.js';
import { sep } from 'node:path';
import type { JobInfo } from '../../shared/api.js';
import {
  ErrorCode,
  PondError,
  fromErrorInfo,
  isPondError,
  toErrorInfo,
} from '../../shared/errors.js';
import type { ImportKind, ImportOverrides, ImportPlan } from '../../shared/import.js';
import {
  WIZARD_FIELDS,
  overridesFromSpec,
  placeImport,
  planImport,
  prepareImport,
  previewAndStage,
  type PreparedImport,
} from '../import/index.js';
import { discardStaged, type StagedConversion } from '../import/staged-conversion.js';
import { newJob } from '../job/job.js';
import { isDirectory, isFile, type PondNode } from '../tinyfs/node.js';
import { joinPath } from '../tinyfs/path.js';
import { CSV_NAMES, copyCommand, importFlags, sourceUrl } from './import-command.js';
import { ImportSources, type StagedSource } from './import-sources.js';
import type { OpenPond } from './pond-registry.js';
import type { QueryRuns } from './query-runs.js';
import type { WriteJobs } from './write-jobs.js';

/** The native dialog the desktop app offers for File > Import... */
export interface ImportDialogs {
  /** Host files to import; undefined when the user cancels. */
  chooseImportFiles?(): Promise<string[] | undefined>;
}

/**
 * The app's import wizard over pond/import: proposals for dropped files, previews (the plan and
 * a scan of the whole file, stopped when a newer one for the same screen comes), and the run as
 * write jobs that convert first and commit after. Every plan is made from the `pond copy` flags
 * the wizard's choices stand for (import-command.ts), so "Copy as command" plans the same.
 */
export class ImportService {
  readonly sources: ImportSources;

  constructor(
    private readonly writes: WriteJobs,
    private readonly queries: QueryRuns,
    private readonly dialogs: ImportDialogs | undefined,
    sourceIdleMs?: number,
  ) {
    this.sources = new ImportSources(sourceIdleMs);
  }

  /** Where a file dropped on `dest` goes and as what (see PondService.importProposal). */
  async proposal(open: OpenPond, req: ImportProposalRequest): Promise<ImportFileSpec> {
    const source = this.sources.get(req.source);
    const found = await open.pond.read(async (txn) => {
      const wd = await txn.wd();
      const at = await wd.lookup(req.dest);
      if (!at.found) {
        throw new PondError(ErrorCode.NotFound, `'${req.dest}' does not exist`, {
          input: req.dest,
        });
      }
      if (!isDirectory(at.node)) return { target: req.dest, node: at.node };
      const target = joinPath(req.dest, source.info.name);
      const there = await wd.lookup(target).catch(() => undefined);
      return { target, node: there?.found ? there.node : undefined, dir: at.node };
    });
    const refuse = (node: PondNode, path: string) => {
      if (node.factory) {
        throw new PondError(
          ErrorCode.ReadOnly,
          `'${path}' is made by the ${node.factory} factory: it takes no files (drop on a stored directory or file)`,
          { input: path },
        );
      }
    };
    if ('dir' in found && found.dir) refuse(found.dir, req.dest);
    if (found.node) {
      refuse(found.node, found.target);
      if (!isFile(found.node)) {
        throw new PondError(
          ErrorCode.WrongType,
          `'${found.target}' is a ${found.node.type}: drop files on a directory, or on a file for a new version of it`,
          { input: found.target },
        );
      }
      return { source: req.source, target: found.target, kind: found.node.type, overrides: {} };
    }
    return {
      source: req.source,
      target: found.target,
      ...(await this.guess(open, source, found.target)),
    };
  }

  /** One file's plan and preview (a scan of the whole file), stopped when superseded. */
  async preview(
    open: OpenPond,
    req: ImportPreviewRequest,
    signal?: AbortSignal,
  ): Promise<ImportFilePreview> {
    const source = this.sources.get(req.file.source);
    const hold = this.sources.hold([source.info.id]);
    try {
      return await this.queries.track(
        JSON.stringify(['import-preview', req.file]),
        req.query,
        signal,
        async (stop) => {
          const { plan, command } = await this.plan(open, source, req.file);
          const { preview, staged } = await previewAndStage(
            open.pond,
            plan,
            newJob('the preview', stop),
            WIZARD_FIELDS,
          ).catch((e: unknown) => {
            throw withoutStaging(e, [source]);
          });
          const key = specKey(open, req.file);
          source.plans.set(key, plan);
          await this.sources.keepConversion(source, open.handle, key, staged);
          return {
            file: req.file,
            // The service's own path of the file stays here: the UI gets the file's name.
            preview: { ...preview, plan: { ...preview.plan, file: source.info.name } },
            command,
            ...(source.owned
              ? { commandNote: `Run it in the folder that holds ${source.info.name}.` }
              : {}),
            kinds: plan.mode === 'append' ? [plan.kind] : ['data', 'table', 'series'],
          };
        },
      );
    } finally {
      await hold();
    }
  }

  /**
   * Starts the import: every file is planned first (a spec that cannot be planned is refused
   * before any job starts), as previewed when it was; then one write job per transaction.
   */
  async run(open: OpenPond, req: ImportRunRequest): Promise<JobInfo[]> {
    const targets = new Set<string>();
    const planned: { spec: ImportFileSpec; plan: ImportPlan; source: StagedSource }[] = [];
    for (const spec of req.files) {
      const source = this.sources.get(spec.source);
      const plan =
        source.plans.get(specKey(open, spec)) ?? (await this.plan(open, source, spec)).plan;
      // Refused in either mode: the second file's plan says "new", and the first made it exist.
      if (targets.has(plan.target)) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `two files of the import go to '${plan.target}': give each its own name (to add one as a new version of the other, import it after the first)`,
          { input: plan.target },
        );
      }
      targets.add(plan.target);
      planned.push({ spec, plan, source });
    }
    // The previews' conversions go with their runs (each discards what it does not place).
    const staged = new Map<ImportPlan, StagedConversion>();
    for (const { spec, plan, source } of planned) {
      const kept = await this.sources.takeConversion(source, specKey(open, spec));
      if (kept) staged.set(plan, kept);
    }
    const groups = req.transactions === 'one' ? [planned] : planned.map((p) => [p]);
    return groups.map((group) => this.start(open, group, staged));
  }

  /** The desktop app's File > Import... dialog: the chosen files, staged. */
  async choose(): Promise<ImportSource[] | undefined> {
    if (!this.dialogs?.chooseImportFiles) {
      throw new PondError(
        ErrorCode.Unsupported,
        'there are no file dialogs in the browser (pond serve): drop files on the window, or use Import… to upload them',
      );
    }
    const paths = await this.dialogs.chooseImportFiles();
    if (paths === undefined) return undefined;
    const out: ImportSource[] = [];
    for (const p of paths) out.push(await this.sources.addHostFile(p));
    return out;
  }

  async close(): Promise<void> {
    await this.sources.closeAll();
  }

  private start(
    open: OpenPond,
    group: { spec: ImportFileSpec; plan: ImportPlan; source: StagedSource }[],
    conversions: Map<ImportPlan, StagedConversion>,
  ): JobInfo {
    const plans = group.map((g) => g.plan);
    // Taken: a plan in two jobs (the same spec twice, one transaction each) has it in one only.
    const staged = new Map<ImportPlan, StagedConversion>();
    for (const p of plans) {
      const c = conversions.get(p);
      if (c) staged.set(p, c);
      conversions.delete(p);
    }
    const ids = group.map((g) => g.spec.source);
    const sources = group.map((g) => g.source);
    return this.writes.startPrepared<
      { prepared: PreparedImport; free: () => Promise<void> },
      unknown
    >(open, 'import', ['app', 'import', ...plans.map((p) => p.target)], {
      prepare: async (job) => {
        let free: (() => Promise<void>) | undefined;
        try {
          free = this.sources.hold(ids);
          return {
            prepared: await prepareImport(open.pond, plans, {
              job,
              staged,
              advice: WIZARD_FIELDS,
            }),
            free,
          };
        } catch (e) {
          await free?.();
          // prepareImport discards the conversions it was given; these were not, if it never ran.
          for (const c of staged.values()) await discardStaged(c);
          throw withoutStaging(e, sources);
        }
      },
      work: (txn, _job, p) =>
        placeImport(txn, p.prepared).catch((e: unknown) => {
          throw withoutStaging(e, sources);
        }),
      release: async (p, committed) => {
        await p.prepared.cleanup();
        await p.free();
        // Imported: the uploads are not needed again (a host file stays, for another import).
        if (committed) await this.sources.releaseUploads(ids);
      },
    });
  }

  /** Plans one file from the flags its spec stands for. */
  private async plan(
    open: OpenPond,
    source: StagedSource,
    spec: ImportFileSpec,
  ): Promise<{ plan: ImportPlan; command: string }> {
    const flags = importFlags(spec.overrides);
    const url = sourceUrl(source.info, spec.kind);
    const plans = await planImport(open.pond, {
      sources: [url],
      dest: spec.target,
      overrides: overridesFromSpec(flags, '', WIZARD_FIELDS),
      hostRoot: source.folder,
      advice: WIZARD_FIELDS,
      sniffAhead: source.sniffs,
    }).catch((e: unknown) => {
      throw withoutStaging(e, [source]);
    });
    if (plans.length !== 1) {
      throw new PondError(ErrorCode.Internal, `${url} planned as ${plans.length} files`);
    }
    const folder = source.owned ? '.' : source.folder;
    return { plan: plans[0]!, command: copyCommand(open.path, folder, url, spec.target, flags) };
  }

  /**
   * A new file's kind: CSV and Parquet files with a time column as series (naming the column
   * when it is not one the engine finds by itself), without as tables; other files as data.
   * A CSV that does not plan stays a table: its preview says why.
   */
  private async guess(
    open: OpenPond,
    source: StagedSource,
    target: string,
  ): Promise<{ kind: ImportKind; overrides: ImportOverrides }> {
    if (source.info.format === 'csv' && !CSV_NAMES.test(source.info.name)) {
      return { kind: 'data', overrides: {} };
    }
    const attempt = async (kind: ImportKind, overrides: ImportOverrides) => {
      try {
        return (await this.plan(open, source, { source: source.info.id, target, kind, overrides }))
          .plan;
      } catch (e) {
        if (isPondError(e) && e.code !== ErrorCode.Internal) return undefined;
        throw e;
      }
    };
    const table = await attempt('table', {});
    const time = table?.columns.find((c) => !c.skip && /^TIMESTAMP/.test(c.type));
    if (!time) return { kind: 'table', overrides: {} };
    if (await attempt('series', {})) return { kind: 'series', overrides: {} };
    const named = { timestampColumn: time.name };
    if (await attempt('series', named)) return { kind: 'series', overrides: named };
    return { kind: 'table', overrides: {} };
  }
}

/**
 * An error about an upload as the user knows the file: by its name, not by the folder the service
 * staged it in (DuckDB's messages name the file it read). Code and input are kept.
 */
function withoutStaging(e: unknown, sources: StagedSource[]): unknown {
  const folders = sources.filter((s) => s.owned).map((s) => s.folder + sep);
  if (folders.length === 0 || (isPondError(e) && e.code === ErrorCode.Cancelled)) return e;
  const info = toErrorInfo(e);
  const clean = (t: string) => folders.reduce((x, f) => x.replaceAll(f, ''), t);
  return fromErrorInfo({
    code: info.code,
    message: clean(info.message),
    ...(info.input === undefined ? {} : { input: clean(info.input) }),
    ...(info.cause === undefined ? {} : { cause: clean(info.cause) }),
  });
}

/** A spec's plan and conversion are the pond's: an append's types and a target depend on it. */
function specKey(open: OpenPond, spec: ImportFileSpec): string {
  return JSON.stringify([open.handle, spec.target, spec.kind, spec.overrides]);
}
