import { cellText, type CellValue } from '../../query/result-format.js';
import type { ResultColumn } from '../../query/run-query.js';

/**
 * The `cat --format table` layout of the original: a box with each column's name and, on a
 * second header line, its type; NULL printed as NULL.
 */
export function renderTable(columns: ResultColumn[], rows: CellValue[][]): string {
  const cells = rows.map((r) => r.map(cellText));
  const widths = columns.map((c, i) =>
    Math.max(c.name.length, c.type.length, ...cells.map((r) => r[i]!.length)),
  );
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const row = (vals: string[]) =>
    '| ' + vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [line, row(columns.map((c) => c.name)), row(columns.map((c) => c.type)), line];
  for (const r of cells) out.push(row(r));
  out.push(line);
  return out.join('\n') + '\n';
}

/** RFC 4180 CSV: quote fields with separators, quotes or line breaks; NULL is an empty field. */
export function csvLine(values: CellValue[]): string {
  return (
    values
      .map((v) =>
        v === null ? '' : csvField(typeof v === 'object' ? JSON.stringify(v) : String(v)),
      )
      .join(',') + '\n'
  );
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
