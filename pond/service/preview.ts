import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnInfo, PreviewPage, PreviewRequest } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { queryError } from '../query/run-query.js';
import { readView } from './draft-view.js';
import { pageSelectList, positionalAlias, readArrowPage, readableAsIs } from './arrow-page.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';

const DEFAULT_SQL = 'SELECT * FROM source';

/** What a spec's result looks like, computed once per (transaction, node, SQL). */
interface SpecFacts {
  columns: ColumnInfo[];
  totalRows: number;
}

/**
 * One page of a declarative preview: the node's rows, or the user's SQL over `source`, sorted
 * and paged by the engine. The SQL runs on the pond's locked-down query engine as a subquery,
 * so only a single SELECT is accepted; its columns and row count are computed once per spec and
 * cached, so scrolling costs one LIMIT/OFFSET query per page (DuckDB reads only the row groups
 * it needs, so the last page of a 5M-row series is as quick as the first). Every query of the
 * call (the describe, the count and the page, which run side by side) stops when `signal`
 * aborts, and the spec's facts are cached only when the call completed.
 */
export async function previewPage(
  open: OpenPond,
  req: PreviewRequest,
  signal?: AbortSignal,
): Promise<PreviewPage> {
  const started = performance.now();
  const { seq, relation } = await readView(open, req, async (txn) => ({
    seq: txn.seq,
    relation: (await queryableNode(txn, req.path)).relation,
  }));
  const sql = req.sql !== undefined && req.sql.trim() !== '' ? req.sql.trim() : DEFAULT_SQL;
  const key = JSON.stringify(['preview', seq, req.path, sql, req.draft ?? null]);

  const known = open.specs.get(key) as SpecFacts | undefined;
  if (!known && sql === DEFAULT_SQL && (req.sort ?? []).length === 0) {
    // The node's own rows (no user SQL to check): the page and the count start at once, and
    // the columns come with the page, unless a column needs a cast to reach Arrow.
    const fast = await firstPageAsIs(open, relation, req, signal);
    if (fast) {
      open.specs.set(key, { columns: fast.columns, totalRows: fast.totalRows } satisfies SpecFacts);
      return { ...fast, offset: req.offset, elapsedMs: performance.now() - started };
    }
  }
  const described = known
    ? undefined
    : open.engine.withConnection(async (c) => {
        await defineSource(c, relation);
        return open.engine.describeSelect(c, sql);
      }, signal);
  const columns: ColumnInfo[] =
    known?.columns ?? (await described!).map((c) => ({ ...c, nullable: true }));
  const orderBy = orderClause(columns, req.sort ?? []);

  // The count and the page run side by side: when one fails, the other is stopped too (a
  // failed page must not leave a count of a cross join running).
  const together = new AbortController();
  const follow = () => together.abort(signal?.reason);
  signal?.addEventListener('abort', follow, { once: true });
  if (signal?.aborted) follow();
  const count = known
    ? Promise.resolve(known.totalRows)
    : open.engine.withConnection(async (c) => {
        await defineSource(c, relation);
        const r = await run(c, `SELECT count(*)::DOUBLE AS n FROM (\n${sql}\n) AS q`, sql);
        return (r.getRowObjectsJS()[0]?.['n'] as number) ?? 0;
      }, together.signal);
  const page = open.engine.withConnection(async (c) => {
    await defineSource(c, relation);
    const pageSql =
      `SELECT ${pageSelectList(columns)} FROM (\n${sql}\n) AS ${positionalAlias(columns.length)}` +
      `${orderBy} LIMIT ${req.limit} OFFSET ${req.offset}`;
    let result;
    try {
      result = await c.run(pageSql);
    } catch (e) {
      throw queryError(e, sql);
    }
    return readArrowPage(result, columns, req.limit);
  }, together.signal);
  let totalRows: number, arrow: Uint8Array, rowCount: number;
  try {
    [totalRows, { arrow, rowCount }] = await Promise.all([count, page]);
  } catch (e) {
    together.abort(signal?.aborted ? signal.reason : e);
    throw e;
  } finally {
    signal?.removeEventListener('abort', follow);
  }
  if (!known) open.specs.set(key, { columns, totalRows } satisfies SpecFacts);
  return {
    columns,
    arrow,
    offset: req.offset,
    rowCount,
    totalRows,
    elapsedMs: performance.now() - started,
  };
}

/** `source` on this connection: a temporary view of the node's relation. */
export async function defineSource(c: DuckDBConnection, relation: string): Promise<void> {
  try {
    await c.run(`CREATE OR REPLACE TEMP VIEW source AS ${relation}`);
  } catch (e) {
    throw new PondError(ErrorCode.SqlError, `cannot read the node's data: ${String(e)}`, {
      cause: e,
    });
  }
}

/** ` ORDER BY` the sort keys, by position (`c0`, `c1`...: user SQL may repeat a column name). */
export function orderClause(
  columns: readonly { name: string }[],
  sort: { column: string; descending: boolean }[],
): string {
  if (sort.length === 0) return '';
  const keys = sort.map((s) => {
    const i = columns.findIndex((c) => c.name === s.column);
    if (i < 0) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `cannot sort by '${s.column}': the result has no such column (columns: ${columns.map((c) => c.name).join(', ')})`,
        { input: s.column },
      );
    }
    return `${ident(`c${i}`)} ${s.descending ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  return ` ORDER BY ${keys.join(', ')}`;
}

async function run(c: DuckDBConnection, text: string, userSql: string) {
  try {
    return await c.runAndReadAll(text);
  } catch (e) {
    throw queryError(e, userSql);
  }
}

/**
 * A page of `SELECT * FROM source` read as DuckDB returns it, with its row count; undefined when
 * a column needs a cast (the general path then describes first).
 */
async function firstPageAsIs(
  open: OpenPond,
  relation: string,
  req: PreviewRequest,
  signal: AbortSignal | undefined,
): Promise<Omit<PreviewPage, 'offset' | 'elapsedMs'> | undefined> {
  return open.engine.withConnection(async (c) => {
    await defineSource(c, relation);
    let result;
    try {
      result = await c.run(`SELECT * FROM source LIMIT ${req.limit} OFFSET ${req.offset}`);
    } catch (e) {
      throw queryError(e, DEFAULT_SQL);
    }
    const columns: ColumnInfo[] = result
      .columnNames()
      .map((name, i) => ({ name, type: result.columnType(i).toString(), nullable: true }));
    if (!readableAsIs(columns)) return undefined;
    const page = await readArrowPage(result, columns, req.limit);
    // On the same connection and view: Parquet answers the count from its footers.
    const r = await run(c, `SELECT count(*)::DOUBLE AS n FROM source`, DEFAULT_SQL);
    const totalRows = (r.getRowObjectsJS()[0]?.['n'] as number) ?? 0;
    return { columns, ...page, totalRows };
  }, signal);
}
