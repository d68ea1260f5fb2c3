import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExportPlan, ExportSettings } from '../../../shared/api.js';
import { ErrorCode, PondError, fromErrorInfo } from '../../../shared/errors.js';
import type { EnginePlan, ExportResult } from '../../export/index.js';
import { parseUrl } from '../../query/url.js';
import type { Job } from '../../job/job.js';
import type { CliContext } from '../context.js';
import { exportPlanReport, exportSummary } from '../format/export-report.js';
import { printErr, writeOut } from '../output.js';

interface ExportOptions {
  pattern: string[];
  dir?: string;
  temporal?: string;
  startTime?: string;
  endTime?: string;
  template: string[];
  var: string[];
  format?: string;
  json?: boolean;
  dryRun?: boolean;
  profile?: string;
  asOf?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

export function registerExport(command: Command, ctx: CliContext): void {
  command
    .option(
      '-p, --pattern <glob>',
      'what to export; each capture (*, **) becomes a folder level (repeatable)',
      collect,
      [],
    )
    .option('--dir <folder>', 'the output folder on the host (a path or host:///path)')
    .option(
      '--temporal <parts>',
      'partition by time: year,month,day,hour,minute,second (in that order)',
    )
    .option(
      '--start-time <time>',
      'only rows at or after this time: UTC (2024-07-01) or relative (-30d, now-12h, today-7d)',
    )
    .option('--end-time <time>', 'only rows at or before this time (inclusive; same forms)')
    .option(
      '--template <path>',
      'a Nunjucks template (pond path or host:///) rendered per target (repeatable)',
      collect,
      [],
    )
    .option('--var <key=value>', 'a value for templates, as vars.key (repeatable)', collect, [])
    .option('--format <format>', 'the files: parquet (default) or csv (for spreadsheets)')
    .option('--json', 'print the metadata (or, with --dry-run, the plan) as JSON')
    .option('--dry-run', 'print what would be written, replaced and removed; write nothing')
    .option('--profile <path>', 'run the export profile (YAML) stored at this pond path')
    .option('--as-of <txn|time>', 'export the pond as it was at a transaction number or time')
    .action(async (o: ExportOptions) => {
      if (o.format === 'json' || o.format === 'summary') {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--format is the files' format (parquet or csv); print the metadata as JSON with --json`,
          { input: o.format },
        );
      }
      if (o.profile) refuseFlagsBesideProfile(o);
      // The engine loads when the command runs, not for `pond --help`.
      const { EXPORT_FORMATS, commandLine, exportRequest, planExport, readProfile, runExport } =
        await import('../../export/index.js');
      await ctx.withPond(async (pond) => {
        const asOf = await ctx.asOf(pond, o.asOf);
        // A profile is read as it is now, even when the data is exported as of an earlier time.
        const settings = o.profile
          ? await pond.read((txn) => readProfile(txn, o.profile!))
          : settingsFromFlags(o, EXPORT_FORMATS);
        const outDir = o.profile
          ? resolve(settings.dir)
          : await outputFolder(settings.dir, ctx.hostRoot);
        const req = exportRequest(settings, {
          outDir,
          nowMs: Date.now(),
          ...(asOf === undefined ? {} : { asOf }),
          ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
        });
        if (o.dryRun) {
          const engine = await asJob('export-plan', (job) => planExport(pond, req, job));
          const plan: ExportPlan = { ...engine, command: commandLine(settings) };
          await writeOut(o.json ? JSON.stringify(plan, null, 2) + '\n' : exportPlanReport(plan));
          return;
        }
        const r = await asJob('export', (job) => runExport(pond, req, job));
        await writeOut(
          o.json ? JSON.stringify(r.metadata, null, 2) + '\n' : exportSummary(r, outDir),
        );
      });
    });
}

/** Runs engine work as a job: progress on a terminal, Ctrl+C cancels it cleanly. */
async function asJob<T extends ExportResult | EnginePlan>(
  kind: string,
  work: (job: Job) => Promise<T>,
): Promise<T> {
  const { JobRunner } = await import('../../service/jobs.js');
  const jobs = new JobRunner();
  const started = jobs.start(kind, work);
  const stop = jobs.subscribe((j) => {
    if (j.state === 'running' && process.stderr.isTTY) printErr(`  ${j.progress.message}`);
  });
  const onSignal = () => jobs.cancel(started.id);
  process.once('SIGINT', onSignal);
  try {
    const done = await jobs.wait(started.id);
    if (done.state !== 'done') throw fromErrorInfo(done.error!);
    return done.result as T;
  } finally {
    process.off('SIGINT', onSignal);
    stop();
  }
}

function settingsFromFlags(o: ExportOptions, formats: readonly string[]): ExportSettings {
  if (o.pattern.length === 0) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      'export needs at least one --pattern (or a --profile)',
    );
  }
  if (o.dir === undefined) {
    throw new PondError(ErrorCode.InvalidArgument, 'export needs --dir (or a --profile)');
  }
  const format = o.format ?? 'parquet';
  if (!formats.includes(format)) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--format must be parquet or csv, not '${format}'`,
      { input: format },
    );
  }
  const vars: Record<string, string> = {};
  for (const kv of o.var) {
    const at = kv.indexOf('=');
    if (at < 1)
      throw new PondError(ErrorCode.InvalidArgument, `--var '${kv}' must be key=value`, {
        input: kv,
      });
    vars[kv.slice(0, at)] = kv.slice(at + 1);
  }
  const settings: ExportSettings = {
    patterns: o.pattern,
    dir: o.dir,
    temporal: o.temporal === undefined || o.temporal.trim() === '' ? [] : o.temporal.split(','),
    templates: o.template,
    vars,
    format: format as ExportSettings['format'],
  };
  if (o.startTime !== undefined) settings.startTime = o.startTime;
  if (o.endTime !== undefined) settings.endTime = o.endTime;
  return settings;
}

/** A profile is the whole export: flags that would change it are refused, not merged. */
function refuseFlagsBesideProfile(o: ExportOptions): void {
  const given = [
    o.pattern.length > 0 && '--pattern',
    o.dir !== undefined && '--dir',
    o.temporal !== undefined && '--temporal',
    o.startTime !== undefined && '--start-time',
    o.endTime !== undefined && '--end-time',
    o.template.length > 0 && '--template',
    o.var.length > 0 && '--var',
    o.format !== undefined && '--format',
  ].filter((x): x is string => typeof x === 'string');
  if (given.length > 0) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--profile ${o.profile} holds the whole export; ${given.join(', ')} cannot be given beside it (edit the profile instead)`,
      { input: given.join(' ') },
    );
  }
}

/** `--dir` is a host folder: a plain path (from the current folder) or host:///path (inside -d). */
async function outputFolder(dir: string, hostRoot: string | undefined): Promise<string> {
  if (!dir.includes('://')) return resolve(dir);
  const url = parseUrl(dir);
  if (!url.host || url.format !== 'file' || url.entryType !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--dir must be a host folder (a path or host:///path), not '${dir}'`,
      { input: dir },
    );
  }
  const { hostPath } = await import('../../query/host-path.js');
  return hostPath(url, hostRoot ? { hostRoot } : {});
}
