import { rm } from 'node:fs/promises';
import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import type { ImportPlan } from '../../shared/import.js';
import { duckMessage, type DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import type { BlobStore } from '../tlogfs/blob-store.js';
import { TIMESTAMPTZ } from '../query/column-types.js';
import { NOT_WHOLE } from '../query/csv-read.js';
import {
  conversionSql,
  csvReadSql,
  parquetNeedsRewrite,
  textIntegerColumns,
} from './conversion.js';
import { MICROS_TYPE } from './event-time.js';
import type { Job } from '../job/job.js';
import { labelOf } from './label.js';
import { describeRejects, rejectedError } from './reject-messages.js';
import type { ImportAdvice } from './import-advice.js';
import { withRejects, type RejectList } from '../query/csv-rejects.js';
import { inexactIntegers, mergeRejects, wholeIntegersSql } from '../query/inexact-integers.js';

/** A plan's rows as the Parquet file that is stored. */
export interface Converted {
  /** A temp file in the blob store, or the source itself (Parquet stored as it is). */
  file: string;
  temp: boolean;
  /** A temp file's SHA-256, once it is sealed for storing (BlobStore.seal). */
  sha256?: string;
  rows: number;
  /** Rows left out (`skipRejected`). */
  skipped: RejectList;
  /** The stored columns. */
  columns: { name: string; type: string }[];
  /** Series: the event-time range, µs since the epoch (absent when no row has one). */
  timeRange?: { minUs: number; maxUs: number };
  /** Series: rows without an event time (a run refuses them). */
  nullEventTimes: number;
}

/** A conversion, or the error of a strict CSV read that failed (bad rows, most likely). */
export type Conversion = { ok: true; converted: Converted } | { ok: false; error: unknown };

/**
 * Converts a table or series plan into the Parquet file to store, refusing what a run refuses:
 * bad rows (listed with their lines), no rows, rows without an event time. A failure removes
 * the temp file. `job` only tells a cancel from a failure: the caller interrupts `session`.
 * `advice` names the fixes as the caller's front end does.
 */
export async function convertPlan(
  session: DuckSession,
  plan: ImportPlan,
  blobs: BlobStore,
  advice: ImportAdvice,
  job?: Job,
): Promise<Converted> {
  const label = labelOf(plan);
  const c = await attemptConversion(session, plan, blobs, job);
  if (!c.ok) {
    // The strict read failed: scan again with DuckDB's reject tables to say which lines and why.
    const found = await scanRejects(session, plan).catch(() => none());
    if (found.count > 0) throw rejectedError(label, plan, found, advice);
    throw unreadable(label, c.error, job);
  }
  try {
    checkConverted(c.converted, plan, label, advice);
  } catch (e) {
    await discardConverted(c.converted);
    throw e;
  }
  return c.converted;
}

/**
 * The conversion itself. The strict read comes first: a good file (the common case) costs one
 * `COPY ... RETURN_STATS`, whose statistics give the row count and time range without a second
 * scan; when it fails, the error is given back for the caller to find the bad rows. With
 * `skipRejected` the reject tables are used from the start and the good rows are kept. Nothing
 * is checked here (see checkConverted); a failure or a cancel removes the temp file.
 */
export async function attemptConversion(
  session: DuckSession,
  plan: ImportPlan,
  blobs: BlobStore,
  job?: Job,
): Promise<Conversion> {
  const label = labelOf(plan);
  const columns = plan.columns.filter((c) => !c.skip).map((c) => ({ name: c.name, type: c.type }));
  if (plan.format === 'parquet' && !parquetNeedsRewrite(plan)) {
    const out: Converted = {
      file: plan.file,
      temp: false,
      rows: 0,
      skipped: none(),
      columns,
      nullEventTimes: 0,
    };
    await parquetFacts(session, plan, out);
    return { ok: true, converted: out };
  }
  const temp = await blobs.tempPath('.parquet');
  try {
    const copy = (from: string) =>
      session.all(
        `COPY (${conversionSql(plan, from)}) TO ${literal(temp)} (FORMAT parquet, RETURN_STATS, USE_TMP_FILE false)`,
      );
    let stats: Record<string, unknown>[];
    let skipped = none();
    if (plan.format === 'parquet') {
      stats = await copy(`read_parquet(${literal(plan.file)})`).catch((e: unknown) => {
        throw unreadable(label, e, job);
      });
    } else if (!plan.skipRejected) {
      try {
        stats = await copy(csvReadSql(plan));
      } catch (e) {
        if (job?.signal.aborted) throw unreadable(label, e, job);
        await rm(temp, { force: true });
        return { ok: false, error: e };
      }
    } else {
      [stats, skipped] = await skipRejected(session, plan, copy, job).catch((e: unknown) => {
        throw unreadable(label, e, job);
      });
    }
    const out: Converted = { file: temp, temp: true, rows: 0, skipped, columns, nullEventTimes: 0 };
    await statsFacts(session, stats[0] ?? {}, plan, label, out);
    return { ok: true, converted: out };
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Refuses a conversion a run must not store: no rows, or rows without an event time. */
export function checkConverted(
  out: Converted,
  plan: ImportPlan,
  label: string,
  advice: ImportAdvice,
): void {
  if (out.rows === 0) {
    throw new PondError(
      ErrorCode.BadInput,
      out.skipped.count > 0
        ? `${describeRejects(label, out.skipped, plan, advice)}\nno row could be read: nothing was imported`
        : `${label} has no rows: there is nothing to import`,
      { input: label },
    );
  }
  if (out.nullEventTimes > 0) throw noEventTime(label, plan, out.nullEventTimes);
}

/** Removes a conversion's temp file (a Parquet source stored as it is stays). */
export async function discardConverted(c: Converted): Promise<void> {
  if (c.temp) await rm(c.file, { force: true });
}

/**
 * The rows a run refuses, with their lines: those DuckDB's reader cannot read (a scan with its
 * reject tables, integers read by its integer reader), else the values the exact integer read
 * refuses (inexact-integers.ts). Run only once a conversion has failed.
 */
export async function scanRejects(session: DuckSession, plan: ImportPlan): Promise<RejectList> {
  const r = await withRejects(session, plan.file, plan.dialect!, (args) =>
    // count() of every column makes DuckDB read and convert each of them.
    session.all(
      `SELECT count(COLUMNS(*)) FROM (${conversionSql(plan, csvReadSql(plan, args, 'typed'), 'typed')})`,
    ),
  );
  if (r.count > 0) return { rejects: r.rejects, count: r.count };
  return inexactIntegers(
    session,
    plan.file,
    plan.dialect!,
    csvReadSql(plan),
    textIntegerColumns(plan),
  );
}

/**
 * `--skip-rejected`: the conversion without the rows DuckDB's reader rejects (its reject tables
 * name their lines). When a value of an integer column is not whole, that conversion fails (it
 * never rounds): it runs again leaving those rows out too, and they join the rejected rows.
 */
async function skipRejected(
  session: DuckSession,
  plan: ImportPlan,
  copy: (from: string) => Promise<Record<string, unknown>[]>,
  job: Job | undefined,
): Promise<[Record<string, unknown>[], RejectList]> {
  const { file, dialect } = { file: plan.file, dialect: plan.dialect! };
  try {
    const r = await withRejects(session, file, dialect, (args) => copy(csvReadSql(plan, args)));
    return [r.result, { rejects: r.rejects, count: r.count }];
  } catch (e) {
    const ints = textIntegerColumns(plan);
    if (ints.length === 0 || job?.signal.aborted) throw e;
    const r = await withRejects(
      session,
      file,
      dialect,
      (args) => copy(`(SELECT * FROM ${csvReadSql(plan, args)} WHERE ${wholeIntegersSql(ints)})`),
      true,
    );
    const inexact = await inexactIntegers(
      session,
      file,
      dialect,
      csvReadSql(plan, 'ignore_errors = true'),
      ints,
      r.allLines,
    );
    // Nothing left out by the filter: the first failure was something else.
    if (inexact.count === 0) throw e;
    return [r.result, mergeRejects({ rejects: r.rejects, count: r.count }, inexact)];
  }
}

function none(): RejectList {
  return { rejects: [], count: 0 };
}

/** Row count and event-time range from the COPY's statistics of the file it wrote. */
async function statsFacts(
  session: DuckSession,
  stats: Record<string, unknown>,
  plan: ImportPlan,
  label: string,
  out: Converted,
): Promise<void> {
  out.rows = Number(stats['count']);
  if (!plan.timestamp) return;
  const key = ident(plan.timestamp.column);
  const entries = (stats['column_statistics'] ?? []) as {
    key: string;
    value: { key: string; value: string }[];
  }[];
  const col = entries.find((e) => e.key === key)?.value ?? [];
  const stat = (k: string) => col.find((s) => s.key === k)?.value;
  const [min, max] = [stat('min'), stat('max')];
  out.nullEventTimes = Number(stat('null_count') ?? 0);
  if (out.rows === out.nullEventTimes) return;
  if (min === undefined || max === undefined) {
    throw new PondError(ErrorCode.Internal, `${label}: DuckDB wrote no statistics for '${key}'`);
  }
  // Statistics are text: read back as the stored type (a time with its zone, or a µs count).
  const type = eventType(plan) === MICROS_TYPE ? MICROS_TYPE : TIMESTAMPTZ;
  const r = await session.all<{ lo: number; hi: number }>(
    `SELECT ${eventMicrosSql(`CAST($1 AS ${type})`, type)} AS lo, ${eventMicrosSql(`CAST($2 AS ${type})`, type)} AS hi`,
    [min, max],
  );
  out.timeRange = { minUs: r[0]!.lo, maxUs: r[0]!.hi };
}

/** Row count and event-time range of a Parquet file stored as it is. */
async function parquetFacts(session: DuckSession, plan: ImportPlan, out: Converted): Promise<void> {
  const from = `read_parquet(${literal(plan.file)})`;
  const ts = plan.timestamp ? ident(plan.timestamp.column) : undefined;
  const us = (x: string) => eventMicrosSql(x, eventType(plan));
  const r = (
    await session.all(
      ts
        ? `SELECT count(*)::DOUBLE AS n, count(${ts})::DOUBLE AS t, ${us(`min(${ts})`)} AS lo, ${us(`max(${ts})`)} AS hi FROM ${from}`
        : `SELECT count(*)::DOUBLE AS n FROM ${from}`,
    )
  )[0]!;
  out.rows = r['n'] as number;
  if (!ts) return;
  out.nullEventTimes = out.rows - (r['t'] as number);
  if (r['lo'] !== null) out.timeRange = { minUs: r['lo'] as number, maxUs: r['hi'] as number };
}

function noEventTime(label: string, plan: ImportPlan, n: number): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${label}: ${n} row${n === 1 ? ' has' : 's have'} no event time (column '${plan.timestamp!.column}' is NULL); a series needs one on every row`,
    { input: label },
  );
}

/** A read that failed for a reason that is not a bad row (or a cancel, passed on as it is). */
function unreadable(label: string, e: unknown, job: Job | undefined): unknown {
  if (job?.signal.aborted)
    return new PondError(ErrorCode.Cancelled, `import of ${label} was cancelled`, { cause: e });
  if (isPondError(e) && e.code !== ErrorCode.SqlError) return e;
  const m = duckMessage(e);
  // Our own refusal of a value that is not whole (a Parquet column retyped): without the class
  // DuckDB gives every error() message.
  const own = m.includes(NOT_WHOLE) ? m.replace(/^Invalid Input Error: /, '') : m;
  return new PondError(ErrorCode.BadInput, `cannot import ${label}: ${own}`, {
    input: label,
    cause: e,
  });
}

/** The stored type of a series plan's event time. */
export function eventType(plan: ImportPlan): string {
  return (
    plan.columns.find((c) => !c.skip && c.name === plan.timestamp?.column)?.type ?? TIMESTAMPTZ
  );
}

/** An event time as µs since the epoch (DOUBLE): a time's, or the number a µs column holds. */
export function eventMicrosSql(expr: string, type: string): string {
  return type === MICROS_TYPE ? `(${expr})::DOUBLE` : `epoch_us(${expr})::DOUBLE`;
}
