import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { duckMessage, type DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import type { Names } from './client.js';
import type { HydroVuDevice } from './config.js';
import { writtenTimeRange } from './written-time-range.js';

/**
 * HydroVu pages -> one wide series version, as the original builds it (crates/hydrovu/src/
 * models.rs, lib.rs): a `timestamp` column (TIMESTAMPTZ, from the API's unix seconds) and one
 * DOUBLE column per parameter and unit, named `{parameter name}.{unit name}` from the API's
 * friendly names (an id HydroVu has no name for stays its id, as in the original), sorted by
 * name. Readings of the same time join one row.
 *
 * DuckDB reads the pages (one a line, as they came) in one strict pass (one COPY, like a DuckDB
 * user's own query), and a second, exact one only for a device whose pages repeat a reading: a
 * page that is not the JSON the API documents, a time that is not whole seconds, a reading of a
 * parameter the page scan did not see, two parameters that would share a column name, or two
 * different values for the same parameter and time fail the device, naming it; nothing is guessed
 * or dropped.
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
  /** The longest page's length in bytes (its line, without the newline). */
  largestPage: number;
}

/**
 * The page's shape for read_json. `locationId` is listed though the page scan checked it: DuckDB
 * reads a page whose keys are all listed at about half the cost of one with a key left out.
 */
const PAGE_COLUMNS = `{locationId: 'BIGINT', parameters: 'STRUCT(customParameter BOOLEAN, parameterId VARCHAR, unitId VARCHAR, readings STRUCT("timestamp" DOUBLE, value DOUBLE)[])[]'}`;

/**
 * DuckDB's own maximum_object_size: its JSON reader's buffers are twice the limit, so a line of
 * up to about twice this reads (tested past 32 MB in hydrovu.test.ts). The limit is the device's
 * longest page, at least this default (a smaller one is raised to it), never the page buffer's
 * 1 GiB limit for every device: a limit of 512 MB or more frees buffers that large after each device, which makes
 * DuckDB's allocator return every page it holds to the kernel
 * (allocator_bulk_deallocation_flush_threshold) and the next device fault them in again: about
 * 85 ms of CPU for 10 devices of 100,000 readings, a third of their conversion. What it bought
 * was peak RSS: the allocator now keeps the memory of the largest device converted so far (the
 * benchmark's peak RSS: 207 against 169 MiB at 100,000 readings a device, 336 against 245 at
 * 400,000), still bounded by a device's readings (max_points_per_run), not the number of devices.
 * No setting gives a middle: the flush happens after each device or never.
 */
const DUCKDB_OBJECT_BYTES = 16 << 20;

/** The maximum_object_size that reads a device whose longest page is `largest` bytes. */
export function objectLimit(largest: number): number {
  return Math.max(DUCKDB_OBJECT_BYTES, largest + 1);
}

/** The quick pass's word for "a time is not one reading a column": run the exact pass. */
const RECHECK = 'pond: hydrovu: recheck this device exactly';

export async function wideSeries(
  session: DuckSession,
  device: HydroVuDevice,
  pages: string[],
  pairs: { pid: string; uid: string }[],
  names: Names,
  out: string,
  options: WideOptions,
): Promise<WideSeries | undefined> {
  const label = `device '${device.name}' (${device.id})`;
  const columns = columnNames(pairs, names, label);
  const padded = (options.stored ?? []).filter(
    (s) => s.name !== 'timestamp' && !columns.some((c) => c.name === s.name),
  );
  const fail = (why: string) => `error(${literal(`${label}: ${why}`)})`;
  const where = [`ts > ${options.afterS ?? -1}`];
  if (options.beforeS !== undefined) where.push(`ts < ${options.beforeS}`);
  // Each parameter object's column number, found once per parameter (not per reading); NULL for
  // a pair the page scan did not list (or a missing id), which fails the device below.
  const column = columns.length
    ? `CASE ${columns.map((c, i) => `WHEN p.parameterId = ${literal(c.pid)} AND p.unitId = ${literal(c.uid)} THEN ${i}`).join(' ')} END`
    : 'NULL::INTEGER';
  const checks = (unnamed: string, duplicates: string) => [
    `CASE ${unnamed}
          WHEN ts IS NULL THEN ${fail('a reading has no timestamp')}
          WHEN ts <> trunc(ts) THEN ${fail('a timestamp is not whole unix seconds')}
          ${duplicates}
          ELSE to_timestamp(ts) END AS "timestamp"`,
  ];
  const empty = padded.map((p) => `NULL::${p.type} AS ${ident(p.name)}`);
  // The usual pages hold each parameter once a time: a count of a time's readings that matches
  // its columns proves it, at one aggregate a column. Any other time (a reading sent twice, a
  // null value) sends the device to the exact pass, which keeps equal repeats and names a
  // conflict, as it always did. A reading of a pair the scan did not list is counted in n but in
  // no column, so it too sends the device to the exact pass, which names it.
  const quick = {
    aggregates: [
      'count(*) AS n',
      ...columns.map((_, i) => `max(v) FILTER (WHERE k = ${i}) AS hi${i}`),
    ],
    selected: [
      ...checks(
        '',
        `WHEN n <> ${columns.length ? columns.map((_, i) => `(hi${i} IS NOT NULL)::INTEGER`).join(' + ') : '0'} THEN error(${literal(RECHECK)})`,
      ),
      ...columns.map((c, i) => `hi${i} AS ${ident(c.name)}`),
      ...empty,
    ],
  };
  const exact = {
    aggregates: [
      'bool_or(k IS NULL) AS unnamed',
      ...columns.flatMap((_, i) => [
        `min(v) FILTER (WHERE k = ${i}) AS lo${i}`,
        `max(v) FILTER (WHERE k = ${i}) AS hi${i}`,
      ]),
    ],
    selected: [
      ...checks(
        `WHEN unnamed THEN ${fail('a reading names no parameterId or unitId the page listed')}`,
        '',
      ),
      ...columns.map(
        (c, i) =>
          `CASE WHEN lo${i} IS DISTINCT FROM hi${i} THEN error(${literal(`${label}: HydroVu sent two different values of ${c.name} for `)} || to_timestamp(ts)::VARCHAR) ELSE hi${i} END AS ${ident(c.name)}`,
      ),
      ...empty,
    ],
  };
  const readings = `
    SELECT r.timestamp AS ts, k, r.value AS v FROM (
      SELECT ${column} AS k, unnest(p.readings) AS r FROM (
        SELECT unnest(parameters) AS p
        FROM read_json([${pages.map(literal).join(', ')}], columns=${PAGE_COLUMNS},
                       format='newline_delimited', maximum_object_size=${objectLimit(options.largestPage)})))`;
  const pass = (q: { aggregates: string[]; selected: string[] }) =>
    session.all(
      `COPY (SELECT ${q.selected.join(', ')}
             FROM (SELECT ts, ${q.aggregates.join(', ')} FROM (${readings})
                   WHERE ${where.join(' AND ')} GROUP BY ts)
             ORDER BY ts)
       TO ${literal(out)} (FORMAT parquet, USE_TMP_FILE false)`,
    );
  const copied = await pass(quick)
    .catch((e: unknown) => {
      if (isPondError(e, ErrorCode.SqlError) && duckMessage(e).includes(RECHECK))
        return pass(exact);
      throw e;
    })
    .catch((e: unknown) => {
      throw unreadable(label, e);
    });
  const rows = Number(copied[0]?.['Count'] ?? 0);
  if (rows === 0) return undefined;
  const range = await writtenTimeRange(out, rows, label);
  return {
    file: out,
    rows,
    ...range,
    columns: [
      { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
      ...columns.map((c) => ({ name: c.name, type: 'DOUBLE' })),
      ...padded.map((p) => ({ name: p.name, type: p.type })),
    ],
    padded: padded.map((p) => p.name),
  };
}

/** `{parameter}.{unit}` for each distinct pair, sorted by name; two pairs may not share a name. */
function columnNames(
  pairs: { pid: string; uid: string }[],
  names: Names,
  label: string,
): { pid: string; uid: string; name: string }[] {
  const byName = new Map<string, { pid: string; uid: string }>();
  for (const p of pairs) {
    const name = `${names.parameters[p.pid] ?? p.pid}.${names.units[p.uid] ?? p.uid}`;
    const other = byName.get(name);
    if (other && (other.pid !== p.pid || other.uid !== p.uid)) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: parameters ${other.pid} (unit ${other.uid}) and ${p.pid} (unit ${p.uid}) would both be column '${name}'; nothing was written for it`,
        { input: label },
      );
    }
    byName.set(name, p);
  }
  return [...byName]
    .map(([name, p]) => ({ ...p, name }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function unreadable(label: string, e: unknown): PondError {
  if (isPondError(e) && e.code !== ErrorCode.SqlError) return e;
  return new PondError(
    ErrorCode.BadInput,
    `${label}: HydroVu's readings do not read: ${duckMessage(e)}; nothing was written for it`,
    { input: label, cause: e },
  );
}
