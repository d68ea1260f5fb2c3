import { stat } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ImportColumn, ImportOverrides, ImportPlan } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';
import { checkParquetMagic, describeRelation } from '../query/parquet-file.js';
import type { Pond } from '../tlogfs/pond.js';
import { TIMESTAMP, TIMESTAMPTZ, canonicalType } from '../query/column-types.js';
import { applyColumnOverrides, checkColumnNames } from './columns.js';
import { chooseEventTime } from './event-time.js';
import { COPY_FLAGS, type ImportAdvice } from './import-advice.js';
import { labelOf } from './label.js';
import { sniffCsv, type CsvSniff } from '../query/csv-sniff.js';
import type { SniffAhead, SniffCall } from './sniff-ahead.js';
import { resolveTargets, type ImportTarget, type TargetOptions } from './targets.js';

/** What to import and where: host URLs, a pond destination, and the user's choices. */
export interface ImportRequest extends TargetOptions {
  sources: string[];
  dest: string;
  overrides?: ImportOverrides;
  /** Sniffs of the sources started earlier (SniffAhead), taken where they fit. */
  sniffAhead?: SniffAhead;
  /** How messages name the user's choices (default: the flags of `pond copy`). */
  advice?: ImportAdvice;
}

/**
 * Plans a copy IN: where each file goes, how it is read (the sniffed CSV dialect or the Parquet
 * schema, with the user's overrides), what its columns are stored as, and its event time. Nothing
 * is written. Errors name the file and say which choice fixes them, as `req.advice` names it.
 */
export async function planImport(pond: Pond, req: ImportRequest): Promise<ImportPlan[]> {
  const o = req.overrides ?? {};
  const advice = req.advice ?? COPY_FLAGS;
  const targets = await resolveTargets(pond, req.sources, req.dest, req);
  checkOverridesUsed(targets, o, advice);
  const plans: ImportPlan[] = [];
  for (const t of targets) plans.push(await planFile(pond.session, t, o, advice, req.sniffAhead));
  checkDistinctTargets(plans);
  return plans;
}

/**
 * Two files of one import may not go to one path (`pond copy a/x.csv b/x.csv /dir/`): the second
 * would be planned as a new file that the first has just made.
 */
function checkDistinctTargets(plans: ImportPlan[]): void {
  const seen = new Map<string, ImportPlan>();
  for (const p of plans) {
    const first = seen.get(p.target);
    if (first) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${labelOf(first)} and ${labelOf(p)} both go to '${p.target}': copy them to different names, or one at a time (the second then becomes a new version)`,
        { input: p.target },
      );
    }
    seen.set(p.target, p);
  }
}

async function planFile(
  session: DuckSession,
  t: ImportTarget,
  o: ImportOverrides,
  advice: ImportAdvice,
  ahead: SniffAhead | undefined,
): Promise<ImportPlan> {
  const st = await stat(t.hostFile);
  const format = formatOf(t);
  const plan: ImportPlan = {
    source: t.url.raw,
    file: t.hostFile,
    size: st.size,
    mtimeMs: st.mtimeMs,
    format,
    kind: t.kind,
    target: t.target,
    mode: t.existing ? 'append' : 'new',
    existingVersions: t.existing?.versions ?? 0,
    columns: [],
    skipRejected: o.skipRejected ?? false,
  };
  if (format === 'bytes') return plan;
  const label = labelOf(plan);
  let sniff: CsvSniff | undefined;
  if (format === 'csv') {
    const call: SniffCall = {
      file: t.hostFile,
      label,
      compression: t.url.compression ?? 'none',
      overrides: o,
      advice: advice.csv,
    };
    sniff = await ahead?.take(call, st);
    if (!sniff) {
      sniff = await sniffCsv(session, call.file, label, call.compression, o, call.advice);
      ahead?.keepOwn(call, st, sniff);
    }
    plan.dialect = sniff.dialect;
    plan.columns = sniff.columns.map((c, i) => column(i, c.name, c.type));
  } else {
    await checkParquetMagic(t.hostFile, label);
    const schema = await describeRelation(
      session,
      `SELECT * FROM read_parquet(${literal(t.hostFile)})`,
    );
    plan.columns = schema.map((c, i) => column(i, c.name, c.type));
  }
  const { userTyped } = applyColumnOverrides(plan.columns, o.columns ?? [], label, advice);
  for (const c of userTyped)
    c.type = await canonicalType(session, c.type, `${label}: column '${c.source}'`);
  if (format === 'csv') {
    // Sniffed times without a zone are UTC and stored as such. An append reads each column as
    // the type stored under its name: a value that does not fit is a bad row with its line,
    // never a column silently retyped.
    for (const c of plan.columns) {
      if (userTyped.has(c)) continue;
      if (c.type === TIMESTAMP) c.type = TIMESTAMPTZ;
      const stored = t.existing?.columns?.find((s) => s.name === c.name);
      if (stored) c.type = stored.type;
    }
  }
  checkColumnNames(plan.columns, label, advice);
  if (t.kind === 'series') {
    const example = (c: ImportColumn) => {
      const r = sniff?.firstRows[0];
      const v = r?.fields[c.position - 1];
      return r && v !== undefined ? `line ${r.line}: '${v}'` : undefined;
    };
    plan.timestamp = chooseEventTime(
      plan.columns,
      {
        ...(o.timestampColumn !== undefined ? { column: o.timestampColumn } : {}),
        ...(o.timestampFormat !== undefined ? { format: o.timestampFormat } : {}),
      },
      userTyped,
      t.existing,
      format,
      label,
      example,
      advice,
    );
  }
  return plan;
}

function formatOf(t: ImportTarget): ImportPlan['format'] {
  return t.kind === 'data' ? 'bytes' : t.url.format === 'csv' ? 'csv' : 'parquet';
}

function column(i: number, name: string, type: string): ImportColumn {
  return { position: i + 1, source: name, name, type, sourceType: type, skip: false };
}

/** Options that apply to no file are mistakes (a dialect flag for a Parquet copy), not no-ops. */
function checkOverridesUsed(
  targets: ImportTarget[],
  o: ImportOverrides,
  advice: ImportAdvice,
): void {
  const csvFlags = (
    [
      ['delimiter', 'delimiter'],
      ['quote', 'quote'],
      ['escape', 'escape'],
      ['header', 'header'],
      ['skip', 'skip'],
      ['encoding', 'encoding'],
      ['nullStrings', 'null'],
      ['skipRejected', 'skipRejected'],
    ] as const
  )
    .filter(([k]) => o[k] !== undefined && o[k] !== false)
    .map(([, choice]) => advice.option(choice));
  for (const t of targets) {
    const p = { source: t.url.raw, format: formatOf(t), kind: t.kind };
    const what = `${p.source} is copied as ${p.format === 'bytes' ? 'data' : p.format}`;
    if (p.format !== 'csv' && csvFlags.length > 0) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${csvFlags.join(', ')} read CSV, and ${what} (use host+csv+table:/// or host+csv+series:///)`,
        { input: p.source },
      );
    }
    if (p.format === 'bytes' && o.columns?.length) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${advice.option('column')} and ${advice.option('skipColumn')} apply to tables and series, and ${what}`,
        { input: p.source },
      );
    }
    if (
      p.kind !== 'series' &&
      (o.timestampColumn !== undefined || o.timestampFormat !== undefined)
    ) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${advice.option('timestampColumn')} and ${advice.option('timestampFormat')} apply to series, and ${p.source} is copied as a ${p.kind} (use host+csv+series:/// or host+series:///)`,
        { input: p.source },
      );
    }
  }
}
