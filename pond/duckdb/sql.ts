/** Quoting helpers for SQL text we build. Every value that reaches SQL text goes through these. */

/** A double-quoted identifier: `my "col"` -> `"my ""col"""`. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB list literal of strings, e.g. the file list of `read_parquet([...])`. */
export function stringList(values: readonly string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}
