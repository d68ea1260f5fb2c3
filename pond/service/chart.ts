import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChartData, ChartRequest } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { timestampColumn, type ColumnInfo } from '../query/parquet-file.js';
import { parseUtcTime } from '../query/time.js';
import { windowRelation } from '../query/time-window.js';
import { float64Arrow } from './arrow-page.js';
import { readView } from './draft-view.js';
import { isoFromMicros } from './iso-time.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';
import { defineSource } from './preview.js';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/**
 * Chart data for a series (or a table with a time column): the chosen numeric columns over a
 * time window, with at most `maxPoints` points per column. When the window holds more rows,
 * it is cut into `maxPoints / 2` equal time buckets and each bucket gives two points, its
 * minimum and its maximum, so peaks survive the downsampling. Its queries stop when `signal`
 * aborts.
 */
export async function chartData(
  open: OpenPond,
  req: ChartRequest,
  signal?: AbortSignal,
): Promise<ChartData> {
  const startUs = req.start === undefined ? undefined : parseUtcTime(req.start, 'start') * 1000;
  const endUs = req.end === undefined ? undefined : parseUtcTime(req.end, 'end') * 1000;
  if (startUs !== undefined && endUs !== undefined && endUs < startUs) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `the chart ends (${req.end}) before it starts (${req.start})`,
      {
        input: `${req.start}..${req.end}`,
      },
    );
  }
  const range = {
    ...(startUs === undefined ? {} : { startUs }),
    ...(endUs === undefined ? {} : { endUs }),
  };
  const { path, relation, recorded } = await readView(open, req, async (txn) => {
    const q = await queryableNode(txn, req.path, { timeRange: range });
    const versions = await q.node.versions();
    return { ...q, recorded: versions.find((v) => v.timestampColumn)?.timestampColumn };
  });

  return open.engine.withConnection(async (c) => {
    await defineSource(c, relation);
    const schema = (await open.engine.describeSelect(c, 'SELECT * FROM source')).map((col) => ({
      ...col,
      nullable: true,
    }));
    const ts = timestampColumn(schema, recorded, path);
    const columns = plotted(schema, ts, req.columns, path);
    const tsUs = ts.type === 'BIGINT' ? ident(ts.name) : `epoch_us(${ident(ts.name)})`;
    const window =
      ts.type === 'BIGINT'
        ? `SELECT * FROM source WHERE ${ident(ts.name)} IS NOT NULL` +
          (startUs === undefined ? '' : ` AND ${ident(ts.name)} >= ${startUs}`) +
          (endUs === undefined ? '' : ` AND ${ident(ts.name)} <= ${endUs}`)
        : `SELECT * FROM (${windowRelation('SELECT * FROM source', ts.name, range)}) WHERE ${ident(ts.name)} IS NOT NULL`;

    const stats = await all(
      c,
      `SELECT count(*)::DOUBLE AS n, min(${tsUs})::DOUBLE AS lo, max(${tsUs})::DOUBLE AS hi FROM (${window})`,
    );
    const n = stats[0]![0] as number;
    const lo = startUs ?? (stats[0]![1] as number | null) ?? undefined;
    const hi = endUs ?? (stats[0]![2] as number | null) ?? undefined;
    const base = { timestampColumn: ts.name, columns: columns.map((col) => col.name) };
    const bounds = {
      ...(lo === undefined ? {} : { start: isoFromMicros(lo) }),
      ...(hi === undefined ? {} : { end: isoFromMicros(hi) }),
    };

    if (n <= req.maxPoints || lo === undefined || hi === undefined) {
      const rows = await all(
        c,
        `SELECT ${tsUs}::DOUBLE / 1000 AS t${columns.map((col) => `, ${ident(col.name)}::DOUBLE`).join('')} FROM (${window}) ORDER BY 1`,
      );
      const t = new Float64Array(rows.length);
      const values = columns.map(() => new Float64Array(rows.length));
      rows.forEach((r, i) => {
        t[i] = r[0] as number;
        values.forEach((v, j) => (v[i] = (r[j + 1] as number | null) ?? NaN));
      });
      const arrow = float64Arrow([
        { name: 't', values: t },
        ...columns.map((col, j) => ({ name: col.name, values: values[j]! })),
      ]);
      return { ...base, arrow, rowCount: rows.length, downsampled: false, ...bounds };
    }

    const buckets = Math.max(1, Math.floor(req.maxPoints / 2));
    const width = Math.max(1, Math.ceil((hi - lo + 1) / buckets));
    const aggregates = columns
      .map((col) => `, min(${ident(col.name)})::DOUBLE, max(${ident(col.name)})::DOUBLE`)
      .join('');
    const rows = await all(
      c,
      `SELECT ((${tsUs} - ${lo}) // ${width})::DOUBLE AS b${aggregates} FROM (${window}) GROUP BY 1 ORDER BY 1`,
    );
    const length = rows.length * 2;
    const t = new Float64Array(length);
    const values = columns.map(() => new Float64Array(length));
    rows.forEach((r, i) => {
      const at = lo + (r[0] as number) * width;
      t[2 * i] = at / 1000;
      t[2 * i + 1] = (at + width / 2) / 1000;
      values.forEach((v, j) => {
        v[2 * i] = (r[1 + 2 * j] as number | null) ?? NaN;
        v[2 * i + 1] = (r[2 + 2 * j] as number | null) ?? NaN;
      });
    });
    const arrow = float64Arrow([
      { name: 't', values: t },
      ...columns.map((col, j) => ({ name: col.name, values: values[j]! })),
    ]);
    return { ...base, arrow, rowCount: length, downsampled: true, ...bounds };
  }, signal);
}

function plotted(
  schema: ColumnInfo[],
  ts: ColumnInfo,
  asked: string[] | undefined,
  path: string,
): ColumnInfo[] {
  const numeric = schema.filter((c) => c.name !== ts.name && NUMERIC.test(c.type));
  if (asked === undefined) {
    if (numeric.length === 0) {
      throw new PondError(ErrorCode.WrongType, `'${path}' has no numeric column to plot`, {
        input: path,
      });
    }
    return numeric;
  }
  return asked.map((name) => {
    const c = schema.find((x) => x.name === name);
    if (!c) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `'${path}' has no column '${name}' (columns: ${schema.map((x) => x.name).join(', ')})`,
        { input: name },
      );
    }
    if (c.name === ts.name || !NUMERIC.test(c.type)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `column '${name}' of '${path}' is ${c.type}, not a number to plot`,
        { input: name },
      );
    }
    return c;
  });
}

async function all(c: DuckDBConnection, sql: string): Promise<unknown[][]> {
  try {
    return (await c.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } catch (e) {
    throw new PondError(ErrorCode.SqlError, `chart query failed: ${(e as Error).message}`, {
      input: sql,
      cause: e,
    });
  }
}
