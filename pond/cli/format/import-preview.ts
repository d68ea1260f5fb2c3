import type { ImportPreview } from '../../../shared/import.js';
import type { CellValue } from '../../query/result-format.js';
import { rejectLine } from '../../query/csv-rejects.js';
import { formatMicros } from './sizes.js';
import { renderTable } from './result-table.js';

/** Rows of the preview printed by `pond copy --dry-run` (the app shows all of them). */
const ROWS_PRINTED = 10;

/** `pond copy --dry-run`: the plan, and what it would store. */
export function renderImportPreview(p: ImportPreview): string {
  const plan = p.plan;
  const out: string[] = [];
  const what =
    plan.mode === 'new'
      ? `new ${plan.kind}`
      : `version ${plan.existingVersions + 1} of the ${plan.kind} ${plan.target}`;
  out.push(`${plan.source} -> ${plan.target}: ${what}`);
  if (plan.format === 'bytes') {
    out.push(`  ${plan.size} bytes, stored as they are`);
    return out.join('\n') + '\n';
  }
  const d = plan.dialect;
  if (d) {
    const q = (s: string) => (s === '' ? 'none' : s === '\t' ? 'tab' : `'${s}'`);
    out.push(
      `  dialect: delimiter ${q(d.delimiter)}, quote ${q(d.quote)}, escape ${q(d.escape)}, ` +
        `header ${d.header ? 'yes' : 'no'}, skip ${d.skip}, encoding ${d.encoding}` +
        (d.compression === 'none' ? '' : `, ${d.compression}`) +
        (d.nullStrings.length ? `, null ${d.nullStrings.map(q).join(' ')}` : '') +
        (d.timestampFormat ? `, timestamp format ${q(d.timestampFormat)}` : '') +
        (d.dateFormat ? `, date format ${q(d.dateFormat)}` : ''),
    );
  } else {
    out.push('  Parquet');
  }
  out.push('  columns:');
  const width = Math.max(...plan.columns.map((c) => c.name.length));
  for (const c of plan.columns) {
    const notes: string[] = [];
    if (c.name !== c.source) notes.push(`from '${c.source}'`);
    if (!c.skip && c.type !== c.sourceType)
      notes.push(plan.format === 'csv' ? `sniffed ${c.sourceType}` : `${c.sourceType} in the file`);
    if (plan.timestamp?.column === c.name && !c.skip)
      notes.push(`event time${plan.timestamp.format ? ` (${plan.timestamp.format})` : ''}`);
    const change = p.schemaChanges?.find((s) => s.column === c.name);
    if (change?.change === 'added') notes.push('new column');
    if (change?.change === 'type') notes.push(`stored as ${change.storedType}`);
    out.push(
      `    ${c.name.padEnd(width)}  ${c.skip ? 'skipped' : c.type}${notes.length ? `  (${notes.join('; ')})` : ''}`,
    );
  }
  for (const s of p.schemaChanges ?? []) {
    if (s.change === 'missing')
      out.push(`    ${s.column.padEnd(width)}  missing (stored as ${s.storedType})`);
  }
  const range = p.timeRange
    ? `, event time ${formatMicros(p.timeRange.minUs)} .. ${formatMicros(p.timeRange.maxUs)}`
    : '';
  out.push(`  rows: ${p.rowCount}${range}${plan.skipRejected ? ' (rejected rows skipped)' : ''}`);
  if (p.rows.length > 0) {
    out.push(`  first ${Math.min(p.rows.length, ROWS_PRINTED)} rows as stored:`);
    out.push(
      renderTable(p.columns, p.rows.slice(0, ROWS_PRINTED) as CellValue[][])
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  if (p.rejectCount > 0) {
    out.push(`  rejected rows: ${p.rejectCount}`);
    for (const r of p.rejects.slice(0, ROWS_PRINTED)) out.push(`    ${rejectLine(r)}`);
    if (p.rejectCount > ROWS_PRINTED) out.push(`    ... and ${p.rejectCount - ROWS_PRINTED} more`);
  }
  return out.join('\n') + '\n';
}
