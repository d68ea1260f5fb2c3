import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ImportPlan } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import { canonicalType } from '../query/column-types.js';
import { checkColumnNames } from './columns.js';
import type { ImportAdvice } from './import-advice.js';
import { MICROS_TYPE, isEpochUnit } from './event-time.js';
import { labelOf } from './label.js';

const ENCODINGS = ['utf-8', 'utf-16', 'latin-1'];
const COMPRESSIONS = ['none', 'gzip', 'zstd'];

/**
 * Checks a plan before it is previewed or run. A plan may come from the app's wizard, edited
 * field by field and sent over IPC or HTTP, so nothing in it is trusted: every value that reaches
 * SQL text is checked here (types are spelled DuckDB's way), and the names and the event time
 * must make sense together. `advice` names the fix as the caller's front end does.
 */
export async function checkPlan(
  session: DuckSession,
  plan: ImportPlan,
  advice: ImportAdvice,
): Promise<void> {
  const label = labelOf(plan);
  const bad = (why: string) =>
    new PondError(ErrorCode.InvalidArgument, `${label}: the import plan ${why}`, {
      input: plan.source,
    });
  if (!['csv', 'parquet', 'bytes'].includes(plan.format)) throw bad(`has format '${plan.format}'`);
  if (!['data', 'table', 'series'].includes(plan.kind)) throw bad(`has kind '${plan.kind}'`);
  if ((plan.format === 'bytes') !== (plan.kind === 'data'))
    throw bad(`stores ${plan.format} as ${plan.kind}`);
  if (plan.format === 'bytes') return;
  const d = plan.dialect;
  if (plan.format === 'csv') {
    if (!d) throw bad('has no CSV dialect');
    if (typeof d.header !== 'boolean') throw bad('has a header that is not true or false');
    if (!Number.isInteger(d.skip) || d.skip < 0) throw bad(`skips ${d.skip} lines`);
    if (d.delimiter.length < 1 || d.delimiter.length > 4) throw bad('has a bad delimiter');
    if (d.quote.length > 1 || d.escape.length > 1) throw bad('has a bad quote or escape');
    if (!ENCODINGS.includes(d.encoding)) throw bad(`has encoding '${d.encoding}'`);
    if (!COMPRESSIONS.includes(d.compression)) throw bad(`has compression '${d.compression}'`);
  }
  if (plan.columns.length === 0) throw bad('has no columns');
  // One query a distinct type name (a wide file has many columns of a few types).
  const spelled = new Map<string, string>();
  const spell = async (type: string, where: string) => {
    const known = spelled.get(type) ?? (await canonicalType(session, type, where));
    spelled.set(type, known);
    return known;
  };
  for (const c of plan.columns) {
    if (!c.skip) c.type = await spell(c.type, `${label}: column '${c.name}'`);
    c.sourceType = await spell(c.sourceType, `${label}: column '${c.source}'`);
  }
  checkColumnNames(plan.columns, label, advice);
  if (plan.kind === 'series') {
    const ts = plan.timestamp;
    const col = ts && plan.columns.find((c) => !c.skip && c.name === ts.column);
    if (!ts || !col) throw bad('names no stored column as the event time');
    // µs counts only for a series that already stores them (event-time.ts; the run compares).
    const micros = col.type === MICROS_TYPE && plan.mode === 'append';
    if (!/^TIMESTAMP/.test(col.type) && !micros) throw bad(`stores the event time as ${col.type}`);
    if (ts.format !== null && !isEpochUnit(ts.format) && !ts.format.includes('%'))
      throw bad(`reads the event time with '${ts.format}'`);
  } else if (plan.timestamp) {
    throw bad(`has an event time for a ${plan.kind}`);
  }
}
