import type { ImportPlan, ImportPreview, PreviewCell } from '../../shared/import.js';
import { ident, literal } from '../duckdb/sql.js';
import { collectQuery } from '../query/run-query.js';
import { appendProblems, schemaChanges, storedSchema } from '../query/schema-check.js';
import { isFile } from '../tinyfs/node.js';
import type { Pond } from '../tlogfs/pond.js';
import { BlobStore } from '../tlogfs/blob-store.js';
import { duckMessage, type DuckSession } from '../duckdb/session.js';
import {
  conversionSql,
  csvReadSql,
  parquetNeedsRewrite,
  textIntegerColumns,
} from './conversion.js';
import { NOT_WHOLE_ERROR, inexactIntegers, mergeRejects } from '../query/inexact-integers.js';
import { rejectFixes } from './reject-messages.js';
import { attemptConversion, eventMicrosSql, eventType, type Converted } from './convert.js';
import {
  conversionStart,
  discardSealed,
  stageConversion,
  startSealing,
  type Sealing,
  type StagedConversion,
} from './staged-conversion.js';
import type { Job } from '../job/job.js';
import { labelOf } from './label.js';
import { checkPlan } from './plan-check.js';
import { COPY_FLAGS, type ImportAdvice } from './import-advice.js';
import { rejectLine, withRejects } from '../query/csv-rejects.js';

/** Rows shown by a preview. */
export const PREVIEW_ROWS = 100;

/**
 * What running a plan would store, without writing to the pond: the first rows exactly as they
 * would be stored, the row count, time range and rejected rows from a scan of the whole file, and
 * for an append how the columns compare with what is stored now. `problems` says why a run would
 * be refused, and the fixes as `advice` names them (default: the flags of `pond copy`).
 */
export async function previewImport(
  pond: Pond,
  plan: ImportPlan,
  job?: Job,
  advice: ImportAdvice = COPY_FLAGS,
): Promise<ImportPreview> {
  return (await previewPlan(pond, plan, job, false, advice)).preview;
}

/**
 * The same preview, whose whole-file scan is the run's conversion (staged-conversion.ts): a plan
 * that would run without problems comes back with it staged, for a run of the same plan to place
 * instead of converting again. The caller owns what is staged (discardStaged when not run).
 */
export async function previewAndStage(
  pond: Pond,
  plan: ImportPlan,
  job?: Job,
  advice: ImportAdvice = COPY_FLAGS,
): Promise<{ preview: ImportPreview; staged?: StagedConversion }> {
  return previewPlan(pond, plan, job, true, advice);
}

async function previewPlan(
  pond: Pond,
  plan: ImportPlan,
  job: Job | undefined,
  stage: boolean,
  advice: ImportAdvice,
): Promise<{ preview: ImportPreview; staged?: StagedConversion }> {
  await checkPlan(pond.session, plan, advice);
  const label = labelOf(plan);
  const columns = plan.columns.filter((c) => !c.skip).map((c) => ({ name: c.name, type: c.type }));
  const preview: ImportPreview = {
    plan,
    columns,
    rows: [],
    rowCount: 0,
    rejects: [],
    rejectCount: 0,
    problems: [],
  };
  if (plan.format === 'bytes') return { preview };
  const session = await pond.session.connect();
  let open = true;
  job?.onCancel(() => {
    if (open) session.interrupt();
  });
  let converted: Converted | undefined;
  let sealed: Sealing | undefined;
  /** Why the exact conversion failed, when the scans find no rejected row to say it. */
  let failed: unknown;
  try {
    // An interrupt stops only a running query: a cancel between the queries is checked here.
    job?.checkCancelled();
    // The scans below list rejected rows with their lines: integers by DuckDB's reader (csv-read.ts).
    const from = (extra = '') =>
      plan.format === 'csv'
        ? csvReadSql(plan, extra, 'typed')
        : `read_parquet(${literal(plan.file)})`;
    const start = stage ? await conversionStart(plan) : undefined;
    // A Parquet file stored as it is has nothing to stage: it is scanned as it is.
    if (start && (plan.format === 'csv' || parquetNeedsRewrite(plan))) {
      const c = await attemptConversion(session, plan, new BlobStore(pond.layout.blobs), job);
      if (c.ok) {
        converted = c.converted;
        // Sealed for the run while the preview goes on (staged-conversion.ts).
        sealed = startSealing(converted);
      } else failed = c.error;
    }
    const facts = converted ? factsOf(converted) : await scanFacts(session, plan, from, preview);
    preview.rowCount = facts.rows;
    if (facts.timeRange) preview.timeRange = facts.timeRange;
    const sample = await collectQuery(
      session,
      `${conversionSql(plan, from(plan.format === 'csv' ? 'ignore_errors = true' : ''), 'typed')} LIMIT ${PREVIEW_ROWS}`,
    );
    preview.rows = sample.rows as PreviewCell[][];
    job?.checkCancelled();
    if (converted) {
      preview.rejects = converted.skipped.rejects;
      preview.rejectCount = converted.skipped.count;
    } else if (plan.format === 'csv' && (failed !== undefined || !start)) {
      // The scans above read integers by DuckDB's reader, which rounds a fraction: the values
      // the run's exact read refuses are found here, with their lines.
      const inexact = await inexactIntegers(
        session,
        plan.file,
        plan.dialect!,
        csvReadSql(plan, preview.rejectCount > 0 ? 'ignore_errors = true' : ''),
        textIntegerColumns(plan),
        facts.rejectedLines,
        { integerReader: true },
      );
      const all = mergeRejects({ rejects: preview.rejects, count: preview.rejectCount }, inexact);
      [preview.rejects, preview.rejectCount] = [all.rejects, all.count];
      if (plan.skipRejected) preview.rowCount -= inexact.count;
    }
    if (preview.rejectCount > 0 && !plan.skipRejected) {
      const first = preview.rejects[0]!;
      preview.problems.push(
        `${preview.rejectCount} row${preview.rejectCount === 1 ? '' : 's'} cannot be read (first: ${rejectLine(first)}): fix them, or import the rest with ${advice.skipRejected()}`,
      );
      preview.problems.push(...rejectFixes(preview.rejects, plan, advice, [NOT_WHOLE_ERROR]));
    }
    if (failed !== undefined && preview.rejectCount === 0)
      preview.problems.push(`${label}: ${duckMessage(failed)}`);
    if (preview.rowCount === 0) preview.problems.push(`${label} has no rows to import`);
    if (facts.nullEventTimes > 0)
      preview.problems.push(`${facts.nullEventTimes} rows have no event time`);
    if (plan.mode === 'append') await compareWithStored(pond, plan, preview);
    job?.checkCancelled();
    if (!converted) return { preview };
    const kept = converted;
    converted = undefined;
    if (preview.problems.length > 0) {
      await discardSealed(kept, sealed);
      return { preview };
    }
    const staged = await stageConversion(plan, start!, kept, sealed);
    return staged ? { preview, staged } : { preview };
  } finally {
    open = false;
    session.close();
    if (converted) await discardSealed(converted, sealed);
  }
}

interface Facts {
  rows: number;
  /** The lines of every row DuckDB's reader rejected (a CSV scanned here). */
  rejectedLines?: Set<number>;
  timeRange?: { minUs: number; maxUs: number };
  nullEventTimes: number;
}

function factsOf(c: Converted): Facts {
  return {
    rows: c.rows,
    nullEventTimes: c.nullEventTimes,
    ...(c.timeRange ? { timeRange: c.timeRange } : {}),
  };
}

/**
 * The facts from a scan of the whole file without writing anything (and, for a CSV, its
 * rejected rows into `preview`): what a preview shows when nothing is staged.
 */
async function scanFacts(
  session: DuckSession,
  plan: ImportPlan,
  from: (extra?: string) => string,
  preview: ImportPreview,
): Promise<Facts> {
  const ts = plan.timestamp ? ident(plan.timestamp.column) : undefined;
  const us = (x: string) => eventMicrosSql(x, eventType(plan));
  const summary = (f: string) =>
    session.all(
      `SELECT count(*)::DOUBLE AS n${ts ? `, count(${ts})::DOUBLE AS t, ${us(`min(${ts})`)} AS lo, ${us(`max(${ts})`)} AS hi` : ''},
              count(COLUMNS(*)) FROM (${conversionSql(plan, f, 'typed')})`,
    );
  let r: Record<string, unknown>;
  let lines: Set<number> | undefined;
  if (plan.format === 'csv') {
    const found = await withRejects(
      session,
      plan.file,
      plan.dialect!,
      (args) => summary(from(args)),
      true,
    );
    r = found.result[0]!;
    preview.rejects = found.rejects;
    preview.rejectCount = found.count;
    lines = found.allLines;
  } else {
    r = (await summary(from()))[0]!;
  }
  const rows = r['n'] as number;
  const facts: Facts = { rows, nullEventTimes: rows - ((r['t'] as number | undefined) ?? rows) };
  if (lines) facts.rejectedLines = lines;
  if (ts && r['lo'] !== null)
    facts.timeRange = { minUs: r['lo'] as number, maxUs: r['hi'] as number };
  return facts;
}

async function compareWithStored(
  pond: Pond,
  plan: ImportPlan,
  preview: ImportPreview,
): Promise<void> {
  await pond.read(async (txn) => {
    const found = await (await txn.wd()).lookup(plan.target);
    if (!found.found || !isFile(found.node) || found.node.type !== plan.kind) {
      preview.problems.push(`'${plan.target}' is no longer a ${plan.kind}; plan the import again`);
      return;
    }
    const stored = await storedSchema(txn, found.node, plan.target);
    preview.schemaChanges = schemaChanges(stored.columns ?? [], preview.columns);
    preview.problems.push(...appendProblems(stored, preview.columns, plan.timestamp?.column));
  });
}
