import type { ExportPlan } from '../../../shared/api.js';
import type { ExportResult } from '../../export/index.js';
import { leaves } from '../../export/metadata.js';
import { formatSize } from './sizes.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What `pond export` prints after writing: per target its files, then totals and pages. */
export function exportSummary(r: ExportResult, outDir: string): string {
  const ls = leaves(r.metadata);
  const files = ls.flatMap((l) => l.files);
  const rows = files.reduce((n, f) => n + f.rows, 0);
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  let out = `Exported ${plural(ls.length, 'target')} from transaction ${r.metadata.txn} into ${outDir}: ${files.length} files, ${rows} rows, ${formatSize(bytes)}\n`;
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

/** What `pond export --dry-run` prints: the plan, the files it would replace or remove, warnings. */
export function exportPlanReport(plan: ExportPlan): string {
  const range =
    plan.start || plan.end
      ? `, rows from ${plan.start ?? 'the start'} to ${plan.end ?? 'the end'}`
      : '';
  let out = `Dry run (nothing written): ${plural(plan.totals.targets, 'target')} from transaction ${plan.txn} into ${plan.dir} as ${plan.format}${range}: ${plural(plan.totals.files, 'file')}, ${plan.totals.rows} rows\n`;
  for (const t of plan.targets) {
    const first = t.files.find((f) => f.first)?.first;
    const last = [...t.files].reverse().find((f) => f.last)?.last;
    const times = first ? `, ${first} .. ${last}` : '';
    out += `  ${t.source}${t.captures.length ? ` [${t.captures.join(', ')}]` : ''}: ${plural(t.files.length, 'file')}${t.kind === 'data' ? '' : `, ${t.rows} rows${times}`}\n`;
    for (const f of t.files) {
      const period = f.start ? `  ${f.start} .. ${f.end}` : '';
      out += `    ${f.path}${period}  ${t.kind === 'data' ? formatSize(f.bytes ?? 0) : `${f.rows} rows`}\n`;
    }
  }
  const list = (label: string, files: string[], total: number) => {
    if (total === 0) return '';
    let s = `${label} ${plural(total, 'existing file')}:\n`;
    for (const f of files) s += `  ${f}\n`;
    if (total > files.length) s += `  ... and ${total - files.length} more\n`;
    return s;
  };
  out += list('Would replace', plan.replaced, plan.replacedTotal);
  out += list('Would remove', plan.removed, plan.removedTotal);
  for (const w of plan.warnings) out += `Warning: ${w}\n`;
  out += `Command: ${plan.command}\n`;
  return out;
}
