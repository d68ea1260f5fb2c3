import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnProfile, ProfileRequest } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { queryError } from '../query/run-query.js';
import { isoUtc } from '../query/result-format.js';
import { positionalAlias } from './arrow-page.js';
import { isoFromMicros } from './iso-time.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';
import { defineSource } from './preview.js';

const DEFAULT_SQL = 'SELECT * FROM source';
/** Bins of a numeric or time histogram. */
export const BINS = 16;
/** Values listed for other types, the most frequent first. */
export const TOP = 8;

const NUMBER =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;
const TIME = /^(DATE|TIMESTAMP)/;
/** Types DuckDB cannot order (no min/max). */
const UNORDERED = /^(MAP|UNION)/;

/**
 * Profiles of some columns of a node's rows or of SQL over `source`, over the whole result:
 * type, rows, nulls, distinct values, min and max, and a small histogram (equal-width bins for
 * numbers and times, the most frequent values otherwise). One scan gives every column's counts;
 * each histogram is one more. A column's profile is kept per (transaction, node, SQL), so the
 * columns scrolled into view later cost only their own. Everything stops when `signal` aborts.
 */
export async function columnProfiles(
  open: OpenPond,
  req: ProfileRequest,
  signal?: AbortSignal,
): Promise<ColumnProfile[]> {
  const { seq, relation } = await open.pond.read(
    async (txn) => ({ seq: txn.seq, relation: (await queryableNode(txn, req.path)).relation }),
    req.asOf,
  );
  const sql = req.sql !== undefined && req.sql.trim() !== '' ? req.sql.trim() : DEFAULT_SQL;
  const keyOf = (column: string) => JSON.stringify(['profile', seq, req.path, sql, column]);
  const missing = req.columns.filter((c) => !open.specs.get(keyOf(c)));
  if (missing.length > 0) {
    const made = await open.engine.withConnection(async (c) => {
      await defineSource(c, relation);
      const columns = await open.engine.describeSelect(c, sql);
      const wanted = missing.map((name) => {
        const at = columns.findIndex((col) => col.name === name);
        if (at < 0) {
          throw new PondError(
            ErrorCode.InvalidArgument,
            `cannot profile '${name}': the result has no such column (columns: ${columns.map((col) => col.name).join(', ')})`,
            { input: name },
          );
        }
        return { name, at, type: columns[at]!.type };
      });
      const from = `FROM (\n${sql}\n) AS ${positionalAlias(columns.length)}`;
      return profileColumns(c, from, sql, wanted);
    }, signal);
    for (const p of made) open.specs.set(keyOf(p.name), p);
  }
  return req.columns.map((c) => open.specs.get(keyOf(c)) as ColumnProfile);
}

interface Wanted {
  name: string;
  at: number;
  type: string;
}

async function profileColumns(
  c: DuckDBConnection,
  from: string,
  userSql: string,
  wanted: Wanted[],
): Promise<ColumnProfile[]> {
  const parts = ['count(*)::DOUBLE AS "rows"'];
  wanted.forEach((w, i) => {
    const col = ident(`c${w.at}`);
    parts.push(`count(${col})::DOUBLE AS n${i}`, `count(DISTINCT ${col})::DOUBLE AS d${i}`);
    if (!UNORDERED.test(w.type))
      parts.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
    const scale = scaled(w, col);
    if (scale) parts.push(`min(${scale})::DOUBLE AS flo${i}`, `max(${scale})::DOUBLE AS fhi${i}`);
  });
  const facts = (await rows(c, `SELECT ${parts.join(', ')} ${from}`, userSql))[0]!;
  const total = facts['rows'] as number;
  const out: ColumnProfile[] = [];
  for (const [i, w] of wanted.entries()) {
    const col = ident(`c${w.at}`);
    const text = (v: unknown) => (v === null || v === undefined ? undefined : valueText(v, w.type));
    const profile: ColumnProfile = {
      name: w.name,
      type: w.type,
      rows: total,
      nulls: total - (facts[`n${i}`] as number),
      distinct: facts[`d${i}`] as number,
      histogram: [],
      histogramKind: 'top',
    };
    const lo = text(facts[`lo${i}`]);
    const hi = text(facts[`hi${i}`]);
    if (lo !== undefined) profile.min = lo;
    if (hi !== undefined) profile.max = hi;
    const scale = scaled(w, col);
    const flo = facts[`flo${i}`] as number | null | undefined;
    const fhi = facts[`fhi${i}`] as number | null | undefined;
    if (scale && typeof flo === 'number' && typeof fhi === 'number') {
      profile.histogramKind = 'bins';
      profile.histogram = await bins(c, from, userSql, scale, flo, fhi, TIME.test(w.type));
    } else if (!scale && profile.nulls < total) {
      const top = await rows(
        c,
        `SELECT ${col}::VARCHAR AS v, count(*)::DOUBLE AS n ${from} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${TOP}`,
        userSql,
      );
      profile.histogram = top.map((r) => ({ label: String(r['v']), count: r['n'] as number }));
    }
    out.push(profile);
  }
  return out;
}

/** DuckDB's text of a value, times as ISO-8601 (UTC with Z for TIMESTAMPTZ), as `pond cat` prints them. */
function valueText(v: unknown, type: string): string {
  const s = String(v);
  if (type === 'TIMESTAMP WITH TIME ZONE') return isoUtc(s);
  return type.startsWith('TIMESTAMP') ? s.replace(' ', 'T') : s;
}

/** The column as a DOUBLE to bin: numbers as they are, times as µs since the epoch. */
function scaled(w: Wanted, col: string): string | undefined {
  if (NUMBER.test(w.type)) return `${col}::DOUBLE`;
  if (w.type === 'DATE') return `epoch_us(${col}::TIMESTAMP)::DOUBLE`;
  if (TIME.test(w.type)) return `epoch_us(${col})::DOUBLE`;
  return undefined;
}

async function bins(
  c: DuckDBConnection,
  from: string,
  userSql: string,
  scale: string,
  lo: number,
  hi: number,
  time: boolean,
): Promise<ColumnProfile['histogram']> {
  const width = (hi - lo) / BINS;
  const label = (v: number) => (time ? isoFromMicros(Math.round(v)) : String(+v.toPrecision(6)));
  if (!Number.isFinite(width) || width === 0) {
    const n = await rows(c, `SELECT count(${scale})::DOUBLE AS n ${from}`, userSql);
    return [{ label: label(lo), from: label(lo), to: label(hi), count: n[0]!['n'] as number }];
  }
  const counted = await rows(
    c,
    `SELECT least(floor((${scale} - ${lo}) / ${width}), ${BINS - 1})::INTEGER AS b, count(*)::DOUBLE AS n ${from} WHERE ${scale} IS NOT NULL GROUP BY 1`,
    userSql,
  );
  const counts = new Array<number>(BINS).fill(0);
  for (const r of counted) counts[r['b'] as number] = r['n'] as number;
  return counts.map((count, b) => {
    const start = lo + b * width;
    const end = b === BINS - 1 ? hi : lo + (b + 1) * width;
    return { label: label(start), from: label(start), to: label(end), count };
  });
}

async function rows(c: DuckDBConnection, text: string, userSql: string) {
  try {
    return (await c.runAndReadAll(text)).getRowObjectsJS();
  } catch (e) {
    throw queryError(e, userSql);
  }
}
