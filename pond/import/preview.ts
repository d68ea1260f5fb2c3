import type { ImportPlan, ImportPreview, PreviewCell } from '../../shared/import.js';
import { ident, literal } from '../duckdb/sql.js';
import { collectQuery } from '../query/run-query.js';
import { appendProblems, schemaChanges, storedSchema } from '../query/schema-check.js';
import { isFile } from '../tinyfs/node.js';
import type { Pond } from '../tlogfs/pond.js';
import { conversionSql, csvReadSql } from './conversion.js';
import { eventMicrosSql, eventType } from './convert.js';
import type { Job } from '../job/job.js';
import { labelOf } from './plan.js';
import { checkPlan } from './plan-check.js';
import { rejectLine, withRejects } from '../query/csv-rejects.js';

/** Rows shown by a preview. */
export const PREVIEW_ROWS = 100;

/**
 * What running a plan would store, without writing to the pond: the first rows exactly as they
 * would be stored, the row count, time range and rejected rows from a scan of the whole file, and
 * for an append how the columns compare with what is stored now. `problems` says why a run would
 * be refused.
 */
export async function previewImport(
  pond: Pond,
  plan: ImportPlan,
  job?: Job,
): Promise<ImportPreview> {
  await checkPlan(pond.session, plan);
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
  if (plan.format === 'bytes') return preview;
  const session = await pond.session.connect();
  let open = true;
  job?.onCancel(() => {
    if (open) session.interrupt();
  });
  try {
    // An interrupt stops only a running query: a cancel between the queries is checked here.
    job?.checkCancelled();
    const from = (extra = '') =>
      plan.format === 'csv' ? csvReadSql(plan, extra) : `read_parquet(${literal(plan.file)})`;
    const ts = plan.timestamp ? ident(plan.timestamp.column) : undefined;
    const us = (x: string) => eventMicrosSql(x, eventType(plan));
    const summary = (f: string) =>
      session.all(
        `SELECT count(*)::DOUBLE AS n${ts ? `, count(${ts})::DOUBLE AS t, ${us(`min(${ts})`)} AS lo, ${us(`max(${ts})`)} AS hi` : ''},
                count(COLUMNS(*)) FROM (${conversionSql(plan, f)})`,
      );
    let facts: Record<string, unknown>;
    if (plan.format === 'csv') {
      const r = await withRejects(session, plan.file, plan.dialect!, (args) => summary(from(args)));
      facts = r.result[0]!;
      preview.rejects = r.rejects;
      preview.rejectCount = r.count;
    } else {
      facts = (await summary(from()))[0]!;
    }
    preview.rowCount = facts['n'] as number;
    if (ts && facts['lo'] !== null) {
      preview.timeRange = { minUs: facts['lo'] as number, maxUs: facts['hi'] as number };
    }
    const sample = await collectQuery(
      session,
      `${conversionSql(plan, from(plan.format === 'csv' ? 'ignore_errors = true' : ''))} LIMIT ${PREVIEW_ROWS}`,
    );
    preview.rows = sample.rows as PreviewCell[][];
    job?.checkCancelled();
    if (preview.rejectCount > 0 && !plan.skipRejected) {
      const first = preview.rejects[0]!;
      preview.problems.push(
        `${preview.rejectCount} row${preview.rejectCount === 1 ? '' : 's'} cannot be read (first: ${rejectLine(first)}); fix them, or import the rest with --skip-rejected`,
      );
    }
    if (preview.rowCount === 0) preview.problems.push(`${label} has no rows to import`);
    const nulls = preview.rowCount - ((facts['t'] as number | undefined) ?? preview.rowCount);
    if (nulls > 0) preview.problems.push(`${nulls} rows have no event time`);
    if (plan.mode === 'append') await compareWithStored(pond, plan, preview);
    job?.checkCancelled();
  } finally {
    open = false;
    session.close();
  }
  return preview;
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
