import { randomBytes } from 'node:crypto';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { duckMessage, type DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import type { Names } from './client.js';
import type { HydroVuDevice } from './config.js';

/**
 * HydroVu pages -> one wide series version, as the original builds it (crates/hydrovu/src/
 * models.rs, lib.rs): a `timestamp` column (TIMESTAMPTZ, from the API's unix seconds) and one
 * DOUBLE column per parameter and unit, named `{parameter name}.{unit name}` from the API's
 * friendly names (an id HydroVu has no name for stays its id, as in the original). Readings of
 * the same time join one row.
 *
 * DuckDB reads the pages as they came (one pass, strictly typed): a page that is not the JSON
 * the API documents, a reading of another location, a time that is not whole seconds, two
 * parameters that would share a column name, or two different values for the same parameter and
 * time are refused, naming the device; nothing is guessed.
 */
export interface WideSeries {
  file: string;
  rows: number;
  /** Readings (points) stored. */
  points: number;
  minUs: number;
  maxUs: number;
  columns: { name: string; type: string }[];
  /** Columns of the stored series this version lacks, written as NULLs. */
  padded: string[];
}

export interface WideOptions {
  /** Readings at or before this time (unix s) are already stored and left out. */
  afterS: number | undefined;
  /**
   * The run stopped at its point limit with more to come: the newest time's readings may be split
   * across pages, so they are left for the next run, which resumes right there.
   */
  stoppedEarly: boolean;
  /** The stored series' columns: those the new version lacks are written as NULLs (not refused). */
  stored: ColumnInfo[] | undefined;
}

const PAGE_COLUMNS = `{locationId: 'BIGINT', parameters: 'STRUCT(customParameter BOOLEAN, parameterId VARCHAR, unitId VARCHAR, readings STRUCT("timestamp" DOUBLE, value DOUBLE)[])[]'}`;

/** A page may hold this many bytes (DuckDB's default is 16 MB). */
const MAX_PAGE_BYTES = 1 << 30;

export async function wideSeries(
  session: DuckSession,
  device: HydroVuDevice,
  pages: string[],
  names: Names,
  out: string,
  options: WideOptions,
): Promise<WideSeries | undefined> {
  const label = `device '${device.name}' (${device.id})`;
  const long = `hv_long_${randomBytes(6).toString('hex')}`;
  try {
    await session
      .run(
        `CREATE TEMP TABLE ${long} AS
         SELECT loc, r.timestamp AS ts, pid, uid, r.value AS v FROM (
           SELECT loc, p.parameterId AS pid, p.unitId AS uid, unnest(p.readings) AS r FROM (
             SELECT locationId AS loc, unnest(parameters) AS p
             FROM read_json([${pages.map(literal).join(', ')}], columns=${PAGE_COLUMNS},
                            format='unstructured', maximum_object_size=${MAX_PAGE_BYTES})))`,
      )
      .catch((e: unknown) => {
        throw unreadable(label, e);
      });
    const facts = (
      await session.all(
        `SELECT count(*)::DOUBLE AS n,
                count(*) FILTER (WHERE loc IS DISTINCT FROM ${device.id})::DOUBLE AS wrong_loc,
                any_value(loc) FILTER (WHERE loc IS DISTINCT FROM ${device.id}) AS other_loc,
                count(*) FILTER (WHERE ts IS NULL OR ts <> trunc(ts))::DOUBLE AS bad_ts,
                any_value(ts) FILTER (WHERE ts IS NULL OR ts <> trunc(ts)) AS bad_ts_value,
                count(*) FILTER (WHERE pid IS NULL OR uid IS NULL)::DOUBLE AS no_param,
                max(ts) AS newest
         FROM ${long}`,
      )
    )[0]!;
    if ((facts['wrong_loc'] as number) > 0) {
      throw bad(
        label,
        `HydroVu sent ${facts['wrong_loc']} readings of location ${facts['other_loc'] ?? 'none'} for it`,
      );
    }
    if ((facts['bad_ts'] as number) > 0)
      throw bad(label, `a reading's timestamp is not whole unix seconds: ${facts['bad_ts_value']}`);
    if ((facts['no_param'] as number) > 0)
      throw bad(label, `${facts['no_param']} readings name no parameterId or unitId`);
    if ((facts['n'] as number) === 0) return undefined;

    const conditions = [`ts > ${options.afterS ?? -1}`];
    if (options.stoppedEarly) {
      // Leave the newest time for the next run, unless it is all there is.
      const older = await session.all(
        `SELECT count(*)::DOUBLE AS n FROM ${long} WHERE ts < ${facts['newest'] as number} AND ${conditions[0]}`,
      );
      if ((older[0]!['n'] as number) > 0) conditions.push(`ts < ${facts['newest'] as number}`);
    }
    const where = conditions.join(' AND ');
    const range = (
      await session.all(
        `SELECT count(*)::DOUBLE AS points, min(ts) AS lo, max(ts) AS hi FROM ${long} WHERE ${where}`,
      )
    )[0]!;
    if ((range['points'] as number) === 0) return undefined;

    const pairs = await session.all<{ pid: string; uid: string }>(
      `SELECT DISTINCT pid, uid FROM ${long} WHERE ${where} ORDER BY pid, uid`,
    );
    const columns = columnNames(pairs, names, label);
    const padded = (options.stored ?? []).filter(
      (s) => s.name !== 'timestamp' && !columns.some((c) => c.name === s.name),
    );
    const cond = (p: { pid: string; uid: string }) =>
      `pid = ${literal(p.pid)} AND uid = ${literal(p.uid)}`;
    const aggregates = columns.flatMap((c, i) => [
      `min(v) FILTER (WHERE ${cond(c)}) AS lo${i}`,
      `max(v) FILTER (WHERE ${cond(c)}) AS hi${i}`,
    ]);
    const selected = [
      `to_timestamp(ts) AS "timestamp"`,
      ...columns.map(
        (c, i) =>
          `CASE WHEN lo${i} IS DISTINCT FROM hi${i} THEN error(${literal(`${label}: HydroVu sent two different values of ${c.name} for `)} || to_timestamp(ts)::VARCHAR) ELSE hi${i} END AS ${ident(c.name)}`,
      ),
      ...padded.map((p) => `NULL::${p.type} AS ${ident(p.name)}`),
    ];
    const stats = await session
      .all(
        `COPY (SELECT ${selected.join(', ')}
               FROM (SELECT ts, ${aggregates.join(', ')} FROM ${long} WHERE ${where} GROUP BY ts)
               ORDER BY ts)
         TO ${literal(out)} (FORMAT parquet, RETURN_STATS, USE_TMP_FILE false)`,
      )
      .catch((e: unknown) => {
        throw unreadable(label, e);
      });
    return {
      file: out,
      rows: Number(stats[0]?.['count'] ?? 0),
      points: range['points'] as number,
      minUs: (range['lo'] as number) * 1e6,
      maxUs: (range['hi'] as number) * 1e6,
      columns: [
        { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
        ...columns.map((c) => ({ name: c.name, type: 'DOUBLE' })),
        ...padded.map((p) => ({ name: p.name, type: p.type })),
      ],
      padded: padded.map((p) => p.name),
    };
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${long}`);
  }
}

/** `{parameter}.{unit}` for each pair, refusing two pairs that would share a name. */
function columnNames(
  pairs: { pid: string; uid: string }[],
  names: Names,
  label: string,
): { pid: string; uid: string; name: string }[] {
  const byName = new Map<string, { pid: string; uid: string }>();
  const named = pairs.map((p) => {
    const name = `${names.parameters[p.pid] ?? p.pid}.${names.units[p.uid] ?? p.uid}`;
    const other = byName.get(name);
    if (other) {
      throw bad(
        label,
        `parameters ${other.pid} (unit ${other.uid}) and ${p.pid} (unit ${p.uid}) would both be column '${name}'`,
      );
    }
    byName.set(name, p);
    return { ...p, name };
  });
  // Sorted by name, as the original orders its columns.
  return named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function bad(label: string, why: string): PondError {
  return new PondError(ErrorCode.BadInput, `${label}: ${why}; nothing was written for it`, {
    input: label,
  });
}

function unreadable(label: string, e: unknown): PondError {
  if (isPondError(e) && e.code !== ErrorCode.SqlError) return e;
  return new PondError(
    ErrorCode.BadInput,
    `${label}: HydroVu's readings do not read: ${duckMessage(e)}; nothing was written for it`,
    { input: label, cause: e },
  );
}
