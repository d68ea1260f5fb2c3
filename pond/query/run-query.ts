import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { sqlError } from '../duckdb/session.js';
import { formatCell, type CellValue } from './result-format.js';
import { withSources } from './with-sources.js';

export interface ResultColumn {
  name: string;
  /** DuckDB's type name, e.g. `TIMESTAMP WITH TIME ZONE`. */
  type: string;
}

/** A query result read chunk by chunk, so a large result never sits in memory at once. */
export interface QueryStream {
  columns: ResultColumn[];
  rows(): AsyncIterable<CellValue[][]>;
}

/** The SQL of a query over `source` (the default is every row). */
export function sqlOverSource(relation: string, sql: string | undefined): string {
  return withSources({ source: relation }, sql && sql.trim() !== '' ? sql : 'SELECT * FROM source');
}

export interface StreamOptions {
  /**
   * How BLOB values are given: DuckDB's text form (for people: `cat --format table`), or base64
   * (for scripts: `json` and `csv`), which keeps every byte string apart.
   */
  blobs?: 'text' | 'base64';
}

export async function streamQuery(
  session: DuckSession,
  sql: string,
  options: StreamOptions = {},
): Promise<QueryStream> {
  let result;
  try {
    result = await (await session.connection()).stream(sql);
  } catch (e) {
    throw queryError(e, sql);
  }
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => t.toString());
  const columns = names.map((name, i) => ({ name, type: types[i]! }));
  return {
    columns,
    async *rows() {
      try {
        // Loaded here: it needs DuckDB's module, which a pond's metadata reads never load.
        const batches =
          options.blobs === 'base64'
            ? result.yieldConvertedRows((await import('./blob-base64.js')).jsonWithBase64Blobs)
            : result.yieldRowsJson();
        for await (const batch of batches) {
          yield batch.map((row) => row.map((v, i) => formatCell(v, types[i]!)));
        }
      } catch (e) {
        throw queryError(e, sql);
      }
    },
  };
}

/** All rows of a query (for small results). */
export async function collectQuery(
  session: DuckSession,
  sql: string,
): Promise<{ columns: ResultColumn[]; rows: CellValue[][] }> {
  const s = await streamQuery(session, sql);
  const rows: CellValue[][] = [];
  for await (const batch of s.rows()) rows.push(...batch);
  return { columns: s.columns, rows };
}

/** DuckDB's physical plan, to show that filters and projections reach the files. */
export async function explainQuery(session: DuckSession, sql: string): Promise<string> {
  const rows = await session.all(`EXPLAIN ${sql}`).catch((e) => {
    throw queryError(e, sql);
  });
  return rows.map((r) => String(r['explain_value'])).join('\n');
}

/** A failed user query: DuckDB's message and the query text. */
export function queryError(e: unknown, sql: string): PondError {
  if (e instanceof PondError && e.code !== ErrorCode.SqlError) return e;
  const inner = e instanceof PondError && e.cause !== undefined ? e.cause : e;
  const err = sqlError(inner, sql);
  return new PondError(ErrorCode.SqlError, `${messageOf(inner)}\nin query:\n${sql}`, {
    input: sql,
    cause: err,
  });
}
