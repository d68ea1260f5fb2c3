import { rm, writeFile } from 'node:fs/promises';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { parquetFile } from '../../delta/parquet-writer.js';
import { duckMessage, type DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import type { Names } from './client.js';
import type { HydroVuDevice } from './config.js';
import type { DeviceReadings, PairReadings } from './device-readings.js';
import { wideRows, type WideRows } from './wide-rows.js';
import { writtenTimeRange } from './written-time-range.js';

/**
 * A device's readings -> one wide series version, as the original builds it (crates/hydrovu/src/
 * models.rs, lib.rs): a `timestamp` column (TIMESTAMPTZ, from the API's unix seconds) and one
 * DOUBLE column per parameter and unit, named `{parameter name}.{unit name}` from the API's
 * friendly names (an id HydroVu has no name for stays its id, as in the original), sorted by
 * name. Readings of the same time join one row.
 *
 * The pages were read as they came (page-parse.ts). When each parameter's times only rise (as
 * HydroVu sends them), a time has at most one reading a column and the rows are merged in JS
 * (wide-rows.ts); DuckDB then writes them as the series file, compressed, from a plain Parquet file
 * of them. Otherwise (a reading sent twice, or out of order) DuckDB groups every reading by time in
 * an exact pass that keeps equal repeats once and fails the device, naming the time, when a
 * parameter has two different values for it; nothing is guessed or dropped.
 */
export interface WideSeries {
  file: string;
  rows: number;
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
   * Readings at or after this time (unix s) are left for the next run: a run stopped at its point
   * limit may have only some parameters of its newest time, and the next run resumes there.
   */
  beforeS: number | undefined;
  /** The stored series' columns: those the new version lacks are written as NULLs (not refused). */
  stored: ColumnInfo[] | undefined;
  /** A temp path for the rows before DuckDB writes them (removed after). */
  scratch: string;
}

export async function wideSeries(
  session: DuckSession,
  device: HydroVuDevice,
  readings: DeviceReadings,
  names: Names,
  out: string,
  options: WideOptions,
): Promise<WideSeries | undefined> {
  const label = `device '${device.name}' (${device.id})`;
  const columns = columnNames(readings.pairs, names, label);
  const padded = (options.stored ?? []).filter(
    (s) => s.name !== 'timestamp' && !columns.some((c) => c.name === s.name),
  );
  const types = [
    { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
    ...columns.map((c) => ({ name: c.name, type: 'DOUBLE' })),
    ...padded.map((p) => ({ name: p.name, type: p.type })),
  ];
  const empty = padded.map((p) => `NULL::${p.type} AS ${ident(p.name)}`);
  try {
    const rows = wideRows(
      columns.map((c) => c.pair),
      options.afterS,
      options.beforeS,
    );
    const written = rows
      ? await writeRows(session, columns, rows, empty, out, options.scratch)
      : await exactPass(session, columns, empty, label, out, options);
    if (!written) return undefined;
    return { file: out, ...written, columns: types, padded: padded.map((p) => p.name) };
  } catch (e) {
    throw unreadable(label, e);
  } finally {
    await rm(options.scratch, { force: true });
  }
}

type NamedColumn = { pid: string; uid: string; name: string; pair: PairReadings };

/**
 * The merged rows as the series file: JS writes them as a plain Parquet file of doubles (the
 * typed arrays' bytes: unix seconds, and values with NaN for none), DuckDB writes the series from
 * it (TIMESTAMPTZ, NULLs, compressed). JSON has no NaN, so a NaN can only be a missing value.
 */
async function writeRows(
  session: DuckSession,
  columns: NamedColumn[],
  rows: WideRows,
  empty: string[],
  out: string,
  scratch: string,
): Promise<{ rows: number; minUs: number; maxUs: number } | undefined> {
  if (rows.rows === 0) return undefined;
  await writeFile(
    scratch,
    parquetFile(
      [
        { name: 's', kind: 'double', nullable: false, values: rows.times },
        ...rows.columns.map((values, i) => ({
          name: `c${i}`,
          kind: 'double' as const,
          nullable: false,
          values,
        })),
      ],
      'pond hydrovu',
    ),
  );
  const copied = await session.all(
    `COPY (SELECT ${[
      'to_timestamp(s) AS "timestamp"',
      ...columns.map((c, i) => `${orNull(`c${i}`)} AS ${ident(c.name)}`),
      ...empty,
    ].join(', ')}
           FROM read_parquet(${literal(scratch)}))
     TO ${literal(out)} (FORMAT parquet, USE_TMP_FILE false)`,
  );
  const count = Number(copied[0]?.['Count'] ?? -1);
  if (count !== rows.rows) {
    throw new PondError(
      ErrorCode.Internal,
      `DuckDB wrote ${count} rows of the ${rows.rows} merged (${out})`,
      { input: out },
    );
  }
  return { rows: rows.rows, minUs: rows.times[0]! * 1e6, maxUs: rows.times[rows.rows - 1]! * 1e6 };
}

/** A value column of the plain file, with its NaNs (no value) as NULL. */
const orNull = (column: string) => `CASE WHEN isnan(${column}) THEN NULL ELSE ${column} END`;

/**
 * Every reading (time, column, value) to DuckDB, grouped by time: equal repeats are kept once,
 * two different values of a column at one time fail the device, naming it.
 */
async function exactPass(
  session: DuckSession,
  columns: NamedColumn[],
  empty: string[],
  label: string,
  out: string,
  options: WideOptions,
): Promise<{ rows: number; minUs: number; maxUs: number } | undefined> {
  const total = columns.reduce((n, c) => n + c.pair.length, 0);
  const ts = new Float64Array(total);
  const ks = new Float64Array(total);
  const vs = new Float64Array(total);
  let at = 0;
  columns.forEach((c, k) => {
    ts.set(c.pair.times, at);
    ks.fill(k, at, at + c.pair.length);
    vs.set(c.pair.values, at);
    at += c.pair.length;
  });
  await writeFile(
    options.scratch,
    parquetFile(
      [
        { name: 'ts', kind: 'double', nullable: false, values: ts },
        { name: 'k', kind: 'double', nullable: false, values: ks },
        { name: 'nv', kind: 'double', nullable: false, values: vs },
      ],
      'pond hydrovu',
    ),
  );
  const where: string[] = [];
  if (options.afterS !== undefined) where.push(`ts > ${options.afterS}`);
  if (options.beforeS !== undefined) where.push(`ts < ${options.beforeS}`);
  const copied = await session.all(
    `COPY (SELECT to_timestamp(ts) AS "timestamp",
                  ${columns
                    .map(
                      (c, i) =>
                        `CASE WHEN lo${i} IS DISTINCT FROM hi${i} THEN error(${literal(`${CONFLICT} ${c.name} for `)} || to_timestamp(ts)::VARCHAR) ELSE hi${i} END AS ${ident(c.name)}`,
                    )
                    .concat(empty)
                    .join(', ')}
           FROM (SELECT ts, ${columns
             .flatMap((_, i) => [
               `min(v) FILTER (WHERE k = ${i}) AS lo${i}`,
               `max(v) FILTER (WHERE k = ${i}) AS hi${i}`,
             ])
             .join(', ')}
                 FROM (SELECT ts, k, ${orNull('nv')} AS v FROM read_parquet(${literal(options.scratch)}))
                 ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY ts)
           ORDER BY ts)
     TO ${literal(out)} (FORMAT parquet, USE_TMP_FILE false)`,
  );
  const rows = Number(copied[0]?.['Count'] ?? 0);
  if (rows === 0) return undefined;
  return { rows, ...(await writtenTimeRange(out, rows, label)) };
}

/** `{parameter}.{unit}` for each distinct pair, sorted by name; two pairs may not share a name. */
function columnNames(pairs: PairReadings[], names: Names, label: string): NamedColumn[] {
  const byName = new Map<string, PairReadings>();
  for (const p of pairs) {
    const name = `${names.parameters[p.pid] ?? p.pid}.${names.units[p.uid] ?? p.uid}`;
    const other = byName.get(name);
    if (other && (other.pid !== p.pid || other.uid !== p.uid)) {
      throw new PondError(
        ErrorCode.BadInput,
        `parameters ${other.pid} (unit ${other.uid}) and ${p.pid} (unit ${p.uid}) would both be column '${name}'; nothing was written for it`,
        { input: label },
      );
    }
    byName.set(name, p);
  }
  return [...byName]
    .map(([name, pair]) => ({ pid: pair.pid, uid: pair.uid, name, pair }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The exact pass's word for a parameter with two values at one time. */
const CONFLICT = 'HydroVu sent two different values of';

/** A failed conversion as the device's error (the run's failure line names the device). */
function unreadable(label: string, e: unknown): PondError {
  if (isPondError(e) && e.code !== ErrorCode.SqlError) return e;
  const message = duckMessage(e);
  const conflict = message.indexOf(CONFLICT);
  return new PondError(
    ErrorCode.BadInput,
    conflict >= 0
      ? `${message.slice(conflict)}; nothing was written for it`
      : `HydroVu's readings do not convert: ${message}; nothing was written for it`,
    { input: label, cause: e },
  );
}
