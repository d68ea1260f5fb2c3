import { ident } from '../duckdb/sql.js';

/**
 * How times are written in text output (CSV and JSON lines), as everywhere in Pond: ISO-8601 in
 * UTC, `2024-07-01T00:00:00Z`, with milliseconds (`...00.250Z`) or microseconds
 * (`...00.250001Z`) only when there are some, so nothing is rounded. Times without a zone (plain
 * TIMESTAMP) are written the same way without the `Z`; other precisions (TIMESTAMP_NS...) as
 * DuckDB's own text. The fields come from the epoch microseconds as a plain TIMESTAMP, not
 * through ICU's calendar: this is quicker than DuckDB's default text for such columns.
 */
export function isoText(column: string, zone: 'Z' | ''): string {
  const us = `epoch_us(${column})`;
  const t = `make_timestamp(${us})`;
  const at = (fraction: string) => `strftime(${t}, '%Y-%m-%dT%H:%M:%S${fraction}${zone}')`;
  return `CASE WHEN ${us} % 1000000 = 0 THEN ${at('')} WHEN ${us} % 1000 = 0 THEN ${at('.%g')} ELSE ${at('.%f')} END`;
}

export type TextFormat = 'csv' | 'jsonl';

/** The COPY options of a text format (NULL is an empty CSV field; "" is an empty string). */
export function textCopyOptions(format: TextFormat): string {
  return format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT json';
}

/**
 * The select list that writes `columns` (read from `source`, a table alias or positional
 * names) with their own names, times as ISO-8601 text (isoText).
 */
export function textSelectList(
  columns: readonly { name: string; type: string }[],
  source: (index: number) => string = (i) => ident(columns[i]!.name),
): string {
  return columns
    .map((c, i) => {
      const col = source(i);
      if (c.type === 'TIMESTAMP WITH TIME ZONE') return `${isoText(col, 'Z')} AS ${ident(c.name)}`;
      if (c.type === 'TIMESTAMP') return `${isoText(col, '')} AS ${ident(c.name)}`;
      if (c.type.startsWith('TIMESTAMP_')) return `${col}::VARCHAR AS ${ident(c.name)}`;
      return `${col} AS ${ident(c.name)}`;
    })
    .join(', ');
}
