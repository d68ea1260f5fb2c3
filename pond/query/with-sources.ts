import { ident } from '../duckdb/sql.js';

/**
 * Puts named relations in front of a query as CTEs, so the query can say `FROM source` (or the
 * names a factory gives its inputs). A query with its own WITH clause is merged into one clause.
 * DuckDB inlines CTEs used once, so filters and projections still reach the Parquet files.
 */
export function withSources(sources: Record<string, string>, query: string): string {
  const ctes = Object.entries(sources)
    .map(([name, rel]) => `${ident(name)} AS (${rel})`)
    .join(',\n  ');
  if (ctes === '') return query;
  const q = query.trim().replace(/;+\s*$/, '');
  const m = /^with(\s+recursive)?\s/i.exec(q);
  if (m) {
    const recursive = m[1] ? ' RECURSIVE' : '';
    return `WITH${recursive} ${ctes},\n  ${q.slice(m[0].length)}`;
  }
  return `WITH ${ctes}\n${q}`;
}
