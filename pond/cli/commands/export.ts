import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, PondError, fromErrorInfo } from '../../../shared/errors.js';
import type { ExportResult } from '../../export/index.js';
import { parseUtcTime } from '../../query/time.js';
import { parseUrl } from '../../query/url.js';
import type { CliContext } from '../context.js';
import { formatSize } from '../format/sizes.js';
import { printErr, writeOut } from '../output.js';

interface ExportOptions {
  pattern: string[];
  dir: string;
  temporal?: string;
  startTime?: string;
  endTime?: string;
  template: string[];
  var: string[];
  format: string;
  asOf?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      'write tables and series as Hive-partitioned Parquet (and data files as bytes), with metadata and pages',
    )
    .requiredOption(
      '-p, --pattern <glob>',
      'what to export; each capture (*, **) becomes a folder level (repeatable)',
      collect,
      [],
    )
    .requiredOption('--dir <folder>', 'the output folder on the host (a path or host:///path)')
    .option(
      '--temporal <parts>',
      'partition by time: year,month,day,hour,minute,second (in that order)',
    )
    .option('--start-time <time>', 'only rows at or after this time (UTC; e.g. 2024-07-01)')
    .option('--end-time <time>', 'only rows at or before this time (UTC, inclusive)')
    .option(
      '--template <path>',
      'a Nunjucks template (pond path or host:///) rendered per target (repeatable)',
      collect,
      [],
    )
    .option('--var <key=value>', 'a value for templates, as vars.key (repeatable)', collect, [])
    .option('--format <format>', 'summary | json (the metadata)', 'summary')
    .option('--as-of <txn|time>', 'export the pond as it was at a transaction number or time')
    .action(async (o: ExportOptions) => {
      if (o.format !== 'summary' && o.format !== 'json') {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--format must be summary or json, not '${o.format}'`,
          { input: o.format },
        );
      }
      const { leaves, parseTemporalParts, runExport } = await import('../../export/index.js');
      const { JobRunner } = await import('../../service/jobs.js');
      const temporal = parseTemporalParts(o.temporal);
      const vars: Record<string, string> = {};
      for (const kv of o.var) {
        const at = kv.indexOf('=');
        if (at < 1)
          throw new PondError(ErrorCode.InvalidArgument, `--var '${kv}' must be key=value`, {
            input: kv,
          });
        vars[kv.slice(0, at)] = kv.slice(at + 1);
      }
      const outDir = await outputFolder(o.dir, ctx.hostRoot);
      await ctx.withPond(async (pond) => {
        const asOf = await ctx.asOf(pond, o.asOf);
        const jobs = new JobRunner();
        const started = jobs.start('export', (job) =>
          runExport(
            pond,
            {
              patterns: o.pattern,
              outDir,
              temporal,
              ...(o.startTime ? { startMs: parseUtcTime(o.startTime, '--start-time') } : {}),
              ...(o.endTime ? { endMs: parseUtcTime(o.endTime, '--end-time') } : {}),
              templates: o.template,
              vars,
              ...(asOf === undefined ? {} : { asOf }),
              ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
            },
            job,
          ),
        );
        const stop = jobs.subscribe((j) => {
          if (j.state === 'running' && process.stderr.isTTY) printErr(`  ${j.progress.message}`);
        });
        const onSignal = () => jobs.cancel(started.id);
        process.once('SIGINT', onSignal);
        const done = await jobs.wait(started.id);
        process.off('SIGINT', onSignal);
        stop();
        if (done.state !== 'done') throw fromErrorInfo(done.error!);
        const r = done.result as ExportResult;
        await writeOut(
          o.format === 'json'
            ? JSON.stringify(r.metadata, null, 2) + '\n'
            : summary(r, outDir, leaves),
        );
      });
    });
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
  const { hostPath } = await import('../../query/source.js');
  return hostPath(url, hostRoot ? { hostRoot } : {});
}

function summary(
  r: ExportResult,
  outDir: string,
  leaves: typeof import('../../export/index.js').leaves,
): string {
  const ls = leaves(r.metadata);
  const files = ls.flatMap((l) => l.files);
  const rows = files.reduce((n, f) => n + f.rows, 0);
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  let out = `Exported ${ls.length} target${ls.length === 1 ? '' : 's'} from transaction ${r.metadata.txn} into ${outDir}: ${files.length} files, ${rows} rows, ${formatSize(bytes)}\n`;
  for (const l of ls) {
    out += `  ${l.source}${l.captures.length ? ` [${l.captures.join(', ')}]` : ''}\n`;
    for (const f of l.files) {
      const range = f.start ? `  ${f.start} .. ${f.end}` : '';
      out += `    ${f.path}${range}  ${l.type === 'data' ? '' : `${f.rows} rows  `}${formatSize(f.bytes)}\n`;
    }
  }
  out += `Metadata: ${r.metadataFile}\n`;
  for (const p of r.pages) out += `Page: ${p}\n`;
  return out;
}
