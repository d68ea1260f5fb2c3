import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { ImportOverrides } from '../../../shared/import.js';
import type { DuckSession } from '../../duckdb/session.js';
import type { OverrideInput } from '../../import/overrides.js';
import type { SniffAhead } from '../../import/sniff-ahead.js';
import { parseUrl } from '../../query/url.js';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';
import { PhaseTimings } from '../phase-timings.js';

interface CopyOptions extends Omit<OverrideInput, 'null'> {
  stripPrefix?: string;
  overwrite?: boolean;
  asOf?: string;
  dryRun?: boolean;
  null: string[];
  column: string[];
  skipColumn: string[];
}

const collect = (v: string, all: string[]) => [...all, v];

/** Flags of copy IN, refused on a copy OUT (they would do nothing there). */
const IN_FLAGS = [
  'delimiter',
  'quote',
  'escape',
  'header',
  'skip',
  'encoding',
  'timestampColumn',
  'timestampFormat',
  'skipRejected',
  'dryRun',
] as const;

export function registerCopy(command: Command, ctx: CliContext): void {
  command
    .option(
      '--dry-run',
      'copy IN: print the plan and a preview of what would be stored; write nothing',
    )
    .option('--delimiter <chars>', 'CSV: the field delimiter (\\t or tab for a tab)')
    .option('--quote <char>', "CSV: the quote character ('' for none)")
    .option(
      '--escape <char>',
      "CSV: the character that escapes a quote inside quotes ('' for none)",
    )
    .option('--header', 'CSV: the first line read holds the column names')
    .option('--no-header', 'CSV: the file has no header line')
    .option('--skip <n>', 'CSV: lines to skip before the header (default 0; never guessed)')
    .option('--encoding <name>', 'CSV: utf-8 (default), utf-16 or latin-1')
    .option('--null <text>', 'CSV: a value read as missing, e.g. n/a (repeatable)', collect, [])
    .option(
      '--column <spec>',
      'NAME:TYPE, NAME=NEW_NAME or NAME=NEW_NAME:TYPE; NAME may be #N, the Nth column (repeatable)',
      collect,
      [],
    )
    .option('--skip-column <name>', 'leave a column out (a name or #N; repeatable)', collect, [])
    .option('--timestamp-column <name>', 'copy IN as a series: the event-time column')
    .option(
      '--timestamp-format <format>',
      "copy IN as a series: epoch-s, epoch-ms or epoch-us for numbers, or a strptime format for text ('%d/%m/%Y %H:%M')",
    )
    .option(
      '--skip-rejected',
      'copy IN from CSV: import the rows that read and report the rest (default: fail)',
    )
    .option('--strip-prefix <prefix>', 'copy OUT: remove this folder prefix from pond paths')
    .option('--overwrite', 'copy OUT: replace host files that exist (refused otherwise)')
    .option('--as-of <txn|time>', 'copy OUT: the pond as it was at a transaction number or time')
    .action(async (paths: string[], o: CopyOptions) => {
      if (paths.length < 2) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          'copy needs at least one source and a destination',
        );
      }
      const dest = paths[paths.length - 1]!;
      const sources = paths.slice(0, -1);
      const inbound = sources.some((s) => parseUrl(s).host);
      const outbound = parseUrl(dest).host;
      if (inbound === outbound) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          inbound
            ? `copy goes into or out of the pond, not host to host ('${dest}' is a host URL)`
            : `copy needs host:///... sources (IN) or a host:///DIR destination (OUT)`,
        );
      }
      if (inbound) await copyIn(ctx, sources, dest, o);
      else await copyOutCommand(ctx, sources, dest, o);
    });
}

async function copyIn(
  ctx: CliContext,
  sources: string[],
  dest: string,
  o: CopyOptions,
): Promise<void> {
  if (o.stripPrefix !== undefined || o.asOf !== undefined || o.overwrite !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      '--strip-prefix, --overwrite and --as-of apply to copy OUT',
    );
  }
  const timings = new PhaseTimings();
  timings.mark('start');
  const { overridesFromSpec } = await import('../../import/overrides.js');
  const overrides = overridesFromSpec({ ...o, skipColumn: o.skipColumn }, '');
  // DuckDB sniffs the CSV files while the import layer loads and the pond opens.
  const { DuckSession } = await import('../../duckdb/session.js');
  const { SniffAhead } = await import('../../import/sniff-ahead.js');
  const session = DuckSession.lazy();
  const sniffAhead = SniffAhead.start(session, {
    sources,
    overrides,
    ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
  });
  try {
    await copyInPlanned(ctx, sources, dest, o, { overrides, session, sniffAhead, timings });
  } finally {
    await sniffAhead.close();
    session.close();
  }
  timings.mark('close');
  timings.print();
}

/** What copy IN sets up before it plans: the overrides, and DuckDB already sniffing. */
interface EarlyCopyIn {
  overrides: ImportOverrides;
  session: DuckSession;
  sniffAhead: SniffAhead;
  timings: PhaseTimings;
}

async function copyInPlanned(
  ctx: CliContext,
  sources: string[],
  dest: string,
  o: CopyOptions,
  early: EarlyCopyIn,
): Promise<void> {
  const { planImport, previewImport, runImport } = await import('../../import/index.js');
  const { renderImportPreview } = await import('../format/import-preview.js');
  early.timings.mark('load');
  await ctx.withPond(async (pond) => {
    early.timings.mark('open');
    const plans = await planImport(pond, {
      sources,
      dest,
      overrides: early.overrides,
      sniffAhead: early.sniffAhead,
      ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
    });
    early.timings.mark('plan');
    if (o.dryRun) {
      const problems: string[] = [];
      for (const plan of plans) {
        const preview = await previewImport(pond, plan);
        await writeOut(renderImportPreview(preview));
        problems.push(...preview.problems.map((p) => `${plan.source}: ${p}`));
      }
      if (problems.length > 0) {
        throw new PondError(
          ErrorCode.BadInput,
          `the copy would be refused:\n${problems.map((p) => `  ${p}`).join('\n')}`,
        );
      }
      await writeOut('Dry run: nothing was written\n');
      return;
    }
    const r = await runImport(pond, plans, ctx.meta, {
      onRejected: (m) => printErr(`warning: ${m}`),
      onPhase: (phase) => early.timings.mark(phase),
    });
    let out = '';
    for (const f of r.files) {
      const rows =
        f.rows === undefined
          ? ''
          : ` (${f.rows} rows${f.rejected ? `, ${f.rejected} rejected` : ''})`;
      out += `${f.created ? 'Copied' : 'New version of'} ${f.path} [${f.kind}]${rows}\n`;
    }
    out += `Transaction ${r.seq}\n`;
    await writeOut(out);
  }, early.session);
}

async function copyOutCommand(
  ctx: CliContext,
  sources: string[],
  dest: string,
  o: CopyOptions,
): Promise<void> {
  const given = IN_FLAGS.filter((k) => o[k] !== undefined);
  if (given.length > 0 || o.null.length + o.column.length + o.skipColumn.length > 0) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `import options (${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ') || '--null, --column, --skip-column'}) apply to copy IN`,
    );
  }
  const { copyOut } = await import('../../service/copy-out.js');
  await ctx.withPond(async (pond) => {
    const asOf = await ctx.asOf(pond, o.asOf);
    const files = await copyOut(pond, sources, dest, {
      ...(o.stripPrefix ? { stripPrefix: o.stripPrefix } : {}),
      ...(o.overwrite ? { overwrite: true } : {}),
      ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
      ...(asOf === undefined ? {} : { asOf }),
    });
    await writeOut(files.map((f) => `Wrote ${f.hostFile} [${f.type}] from ${f.path}\n`).join(''));
  });
}
