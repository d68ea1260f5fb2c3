/** A name as a DuckDB identifier: double-quoted, quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The SQL the grid shows, over `source`, as one can run it elsewhere (`pond cat PATH --sql`,
 * the SQL box): the query (or every row of the node) with the grid's sort, NULLs last as the
 * engine sorts them.
 */
export function gridSql(
  sql: string | undefined,
  sort: readonly { column: string; descending: boolean }[],
): string {
  const base = sql && sql.trim() !== '' ? sql.trim().replace(/;\s*$/, '') : 'SELECT * FROM source';
  if (sort.length === 0) return base;
  const keys = sort
    .map((s) => `${quoteIdent(s.column)} ${s.descending ? 'DESC' : 'ASC'} NULLS LAST`)
    .join(', ');
  return `SELECT * FROM (\n${base}\n) AS q\nORDER BY ${keys}`;
}

/** The same as a `pond cat` command line (single-quoted for a POSIX shell). */
export function catCommand(path: string, sql: string): string {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return `pond cat ${q(path)} --format csv --sql ${q(sql)}`;
}
