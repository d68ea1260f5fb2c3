import { ident } from '../duckdb/sql.js';

/**
 * How times are written in text output (CSV and JSON lines): ISO-8601 in UTC with
 * microseconds, `2024-07-01T00:00:00.000000Z`, for every TIMESTAMP WITH TIME ZONE column. The
 * writer formats the stored instant directly (no calendar library involved), which is also
 * quicker than DuckDB's default text for such columns. Times without a zone (plain TIMESTAMP)
 * are written the same way without the `Z`; other precisions (TIMESTAMP_NS...) as DuckDB's own
 * text, so nothing is rounded.
 */
export const UTC_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ';
const LOCAL_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f';

export type TextFormat = 'csv' | 'jsonl';

/** The COPY options of a text format (NULL is an empty CSV field; "" is an empty string). */
export function textCopyOptions(format: TextFormat): string {
  const time = `TIMESTAMPFORMAT '${UTC_TIME_FORMAT}'`;
  return format === 'csv' ? `FORMAT csv, HEADER, ${time}` : `FORMAT json, ${time}`;
}

/**
 * The select list that writes `columns` (read from `source`, a table alias or positional
 * names) with their own names: every column as it is, except times without a zone, which the
 * writer's format would mark `Z` as if they were UTC.
 */
export function textSelectList(
  columns: readonly { name: string; type: string }[],
  source: (index: number) => string = (i) => ident(columns[i]!.name),
): string {
  return columns
    .map((c, i) => {
      const col = source(i);
      if (c.type === 'TIMESTAMP')
        return `strftime(${col}, '${LOCAL_TIME_FORMAT}') AS ${ident(c.name)}`;
      if (c.type.startsWith('TIMESTAMP_')) return `${col}::VARCHAR AS ${ident(c.name)}`;
      return `${col} AS ${ident(c.name)}`;
    })
    .join(', ');
}
