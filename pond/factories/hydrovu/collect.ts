import { open, rm } from 'node:fs/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import { appendProblems, checkNewVersion, storedSchema } from '../../query/schema-check.js';
import { isFile } from '../../tinyfs/node.js';
import { resolvePath } from '../../tinyfs/path.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import type { PondTxn } from '../../tlogfs/transaction.js';
import type { RunContext, RunResult } from '../executable.js';
import { HydroVuClient, type Fetch, type Names } from './client.js';
import { activeSeriesPath, type HydroVuConfig, type HydroVuDevice } from './config.js';
import { PageBuffer } from './page-buffer.js';
import { asOneLine, newestTime, scanPage } from './page-scan.js';
import { newestStored } from './resume.js';
import { MAX_PAGE_BYTES, wideSeries, type WideSeries } from './wide-series.js';

const NEWLINE = Buffer.from('\n');

/** A device's new readings, converted and waiting for the run's transaction. */
interface DeviceBatch {
  device: HydroVuDevice;
  path: string;
  series: WideSeries;
  /** Readings left out of it (dated too far ahead), named as the device's failure. */
  leftOut?: string;
}

/**
 * A reading dated more than this after the run's start is left out: collection resumes after the
 * newest reading stored, so one stored from 2100 (a device clock gone wrong) would make every
 * later run skip each reading before it, silently.
 */
const AHEAD_S = 24 * 3600;

/** A device's pages, fetched and waiting to be converted. */
interface FetchedPages {
  device: HydroVuDevice;
  path: string;
  files: string[];
  pairs: { pid: string; uid: string }[];
  readings: number;
  afterS: number | undefined;
  beforeS: number | undefined;
  stored: ColumnInfo[] | undefined;
}

/**
 * `collect`: for each active device, the readings after the newest one stored (paged, up to
 * `max_points_per_run` points), as one new version of `{name}_active.series`; every device's
 * version in one transaction. Fetching and converting happen before the transaction (no write
 * lock held while HydroVu answers), and a device's pages are converted while the next device's
 * are fetched. Inside the transaction each version is checked against what is stored then, and
 * readings another run stored meanwhile are left out, so a run killed at any point and run again
 * stores every reading once. A device that fails (HydroVu keeps failing, a type conflict) is
 * named in the result's failures and the others are still written.
 */
export async function collect(ctx: RunContext<HydroVuConfig>, fetcher: Fetch): Promise<RunResult> {
  const { config: cfg, job } = ctx;
  const client = new HydroVuClient(cfg, fetcher, job);
  const latestS = Math.floor(Date.now() / 1000) + AHEAD_S;
  // The conversions run on their own one-thread DuckDB (they read and write host files only):
  // each is one small file to one row group, and a second thread doubles DuckDB's CPU for it
  // (a parallel COPY) while the next device's fetch needs that core (bench/hydrovu-collect.ts).
  // It starts while HydroVu answers the token and names requests.
  const opening = DuckSession.open({ threads: 1 });
  let names: Names;
  try {
    names = await client.names();
  } catch (e) {
    (await opening.catch(() => undefined))?.close();
    throw e;
  }
  const session = await opening;
  const devices = cfg.devices.filter((d) => d.active);
  const skipped = cfg.devices.length - devices.length;
  if (skipped > 0) job.log(`${skipped} inactive device${skipped === 1 ? '' : 's'} skipped`);
  let open = true;
  job.onCancel(() => {
    if (open) session.interrupt();
  });
  const blobs = new BlobStore(ctx.pond.layout.blobs);
  const batches: (DeviceBatch | undefined)[] = [];
  const failures: string[] = [];
  const failedCodes: ErrorCode[] = [];
  const failed = (device: HydroVuDevice, e: unknown) => {
    if (job.signal.aborted || isPondError(e, ErrorCode.Cancelled)) throw cancelled(e);
    // Credentials refused or a bug: every device would fail the same way.
    if (isPondError(e, ErrorCode.BadConfig) || !isPondError(e)) throw e;
    failures.push(`device '${device.name}' (${device.id}): ${e.message}`);
    failedCodes.push(e.code);
    job.log(`device ${device.name}: failed: ${e.message}`);
  };
  // Where each device resumes, read once for the run (a failure is that device's).
  const looked = ctx.pond.read(async (txn) => {
    const out = new Map<HydroVuDevice, Start | PondError>();
    for (const d of devices)
      out.set(d, await startOf(txn, cfg, d).catch((e: unknown) => asFailure(e)));
    return out;
  });
  const starts = new Map(
    devices.map((d) => {
      const start = looked.then((m) => {
        const r = m.get(d)!;
        if (r instanceof PondError) throw r;
        return r;
      });
      start.catch(() => undefined); // seen when the device's turn comes (or never: run stopped)
      return [d, start] as const;
    }),
  );
  looked.catch(() => undefined);
  let readings = 0;
  // Conversions run one at a time on the run's DuckDB connection, beside the next fetches.
  let converting: Promise<void> = Promise.resolve();
  let stopped: { e: unknown } | undefined;
  try {
    for (const [i, device] of devices.entries()) {
      if (stopped) break;
      job.progress({ done: i, total: devices.length, message: `device ${device.name}` });
      let fetched: FetchedPages | undefined;
      try {
        fetched = await fetchPages(ctx, client, blobs, device, await starts.get(device)!);
      } catch (e) {
        failed(device, e);
      }
      if (!fetched) continue;
      readings += fetched.readings;
      const f = fetched;
      converting = converting.then(async () => {
        try {
          const batch = await convert(job, session, blobs, f, names, latestS);
          batches[i] = batch;
          if (batch?.leftOut !== undefined) {
            failures.push(`device '${device.name}' (${device.id}): ${batch.leftOut}`);
            failedCodes.push(ErrorCode.BadInput);
          }
        } catch (e) {
          failed(device, e);
        } finally {
          for (const p of f.files) await rm(p, { force: true });
        }
      });
      // A conversion that ends the run (cancel, refused credentials, a bug) stops the fetching.
      converting.catch((e: unknown) => (stopped ??= { e }));
    }
    await converting;
    if (devices.length > 0 && failures.length === devices.length && !batches.some(Boolean)) {
      // Nothing to write: not "some parts failed, the others were written" (exit 3), but the
      // run failing, as "try later" when HydroVu only kept failing.
      throw new PondError(
        failedCodes.every((c) => c === ErrorCode.Unavailable)
          ? ErrorCode.Unavailable
          : ErrorCode.BadInput,
        `every device failed, nothing was written: ${failures.join('; ')}`,
        { input: cfg.baseUrl },
      );
    }
    job.progress({ done: devices.length, total: devices.length, message: 'writing' });
    const added: AddedFile[] = [];
    const ready = batches.filter((b): b is DeviceBatch => b !== undefined);
    if (ready.length > 0) {
      job.log(
        `writing ${ready.length} device version${ready.length === 1 ? '' : 's'} in one transaction`,
      );
      await ctx.write(async (txn) => {
        added.length = 0;
        for (const b of ready) {
          const a = await placeBatch(txn, session, blobs, cfg, b);
          if (a) added.push(a);
        }
      });
    }
    const summary =
      added.length > 0
        ? `${added.reduce((n, a) => n + (a.rows ?? 0), 0)} rows from ${added.length} of ${devices.length} devices (${readings} readings fetched)`
        : `nothing new from ${devices.length} device${devices.length === 1 ? '' : 's'}`;
    return {
      summary: failures.length > 0 ? `${summary}; ${failures.length} failed` : summary,
      added,
      failures,
    };
  } catch (e) {
    if (job.signal.aborted) throw cancelled(e);
    throw e;
  } finally {
    await converting.catch(() => undefined);
    open = false;
    session.close();
    for (const b of batches) if (b) await rm(b.series.file, { force: true });
  }
}

/** A device's new pages, saved as they came (up to max_points_per_run readings). */
/** Where a device's collection resumes, and the columns its active series has. */
interface Start {
  newestUs: number | undefined;
  stored: ColumnInfo[] | undefined;
}

async function startOf(txn: PondTxn, cfg: HydroVuConfig, d: HydroVuDevice): Promise<Start> {
  return {
    newestUs: await newestStored(txn, cfg, d),
    stored: await storedColumns(txn, activeSeriesPath(cfg, d)),
  };
}

/** A device's failure kept for when its turn comes (a bug is thrown at once). */
function asFailure(e: unknown): PondError {
  if (isPondError(e)) return e;
  throw e;
}

async function fetchPages(
  ctx: RunContext<HydroVuConfig>,
  client: HydroVuClient,
  blobs: BlobStore,
  device: HydroVuDevice,
  { newestUs, stored }: Start,
): Promise<FetchedPages | undefined> {
  const { config: cfg, job } = ctx;
  const path = activeSeriesPath(cfg, device);
  const label = `device '${device.name}' (${device.id})`;
  const afterS = newestUs === undefined ? undefined : Math.floor(newestUs / 1e6);
  const startS = afterS === undefined ? 0 : afterS + 1;
  job.log(
    `device ${device.name} (${device.id}): readings ${startS === 0 ? 'from the first' : `from ${new Date(startS * 1000).toISOString()}`}`,
  );
  // The device's pages go to one file, one page a line (DuckDB reads it in one pass).
  const file = await blobs.tempPath('.ndjson');
  const files = [file];
  const out = await open(file, 'w');
  const memory = new PageBuffer(MAX_PAGE_BYTES);
  const pairs = new Map<string, { pid: string; uid: string }>();
  try {
    let readings = 0;
    let next: string | undefined;
    const tokens = new Set<string>();
    let beforeS: number | undefined;
    try {
      for (let n = 1; ; n++) {
        const page = await client.dataPage(device.id, startS, next, memory);
        const scan = scanPage(page.body, label);
        if (scan.location !== device.id) {
          throw new PondError(
            ErrorCode.BadInput,
            `HydroVu sent readings of location ${scan.location} for it; nothing was written for it`,
            { input: label },
          );
        }
        for (const p of scan.pairs) pairs.set(`${p.pid}\u0000${p.uid}`, p);
        const line = [asOneLine(page.body), NEWLINE];
        const { bytesWritten } = await out.writev(line);
        if (bytesWritten !== line[0]!.length + 1) {
          throw new PondError(
            ErrorCode.HostIo,
            `a page was written short to ${file} (is the disk full?); nothing was written for it`,
            { input: file },
          );
        }
        readings += scan.readings;
        job.log(`device ${device.name}: page ${n}: ${scan.readings} readings`);
        job.progress({ done: readings, message: `device ${device.name}: ${readings} readings` });
        next = page.next;
        if (next === undefined) break;
        // A token seen before would page forever (an empty page's cycle never reaches
        // max_points_per_run).
        if (tokens.has(next)) {
          throw new PondError(
            ErrorCode.BadInput,
            `HydroVu sent the next-page token '${next.slice(0, 100)}' again (page ${n}); nothing was written for it`,
            { input: label },
          );
        }
        tokens.add(next);
        if (readings >= cfg.maxPointsPerRun) {
          // The newest time may have only some of its parameters on this page: the next run
          // fetches it again, from there.
          beforeS = newestTime(page.body);
          job.log(
            `device ${device.name}: ${readings} readings reach max_points_per_run; the rest next run`,
          );
          break;
        }
      }
    } finally {
      await out.close();
    }
    if (readings === 0) {
      job.log(`device ${device.name}: nothing new`);
      for (const f of files) await rm(f, { force: true });
      return undefined;
    }
    return { device, path, files, pairs: [...pairs.values()], readings, afterS, beforeS, stored };
  } catch (e) {
    for (const f of files) await rm(f, { force: true });
    throw e;
  }
}

/** A device's pages as one wide series version, checked against the stored columns. */
async function convert(
  job: RunContext<HydroVuConfig>['job'],
  session: DuckSession,
  blobs: BlobStore,
  f: FetchedPages,
  names: Names,
  latestS: number,
): Promise<DeviceBatch | undefined> {
  const { device, path, stored } = f;
  const out = await blobs.tempPath('.parquet');
  let leftOut: string | undefined;
  try {
    let series = await wideSeries(session, device, f.files, f.pairs, names, out, {
      afterS: f.afterS,
      beforeS: f.beforeS,
      stored,
    });
    if (!series && f.beforeS !== undefined) {
      // Only the newest time was fetched: it is all there is, so it is kept whole.
      series = await wideSeries(session, device, f.files, f.pairs, names, out, {
        afterS: f.afterS,
        beforeS: undefined,
        stored,
      });
    }
    if (series && series.maxUs > latestS * 1e6) {
      const newest = new Date(series.maxUs / 1000).toISOString();
      leftOut = `HydroVu sent readings up to ${newest}, more than a day after this machine's clock; they were left out (stored, every later run would resume after them), the others written`;
      job.log(`device ${device.name}: ${leftOut}`);
      series = await wideSeries(session, device, f.files, f.pairs, names, out, {
        afterS: f.afterS,
        beforeS: Math.min(f.beforeS ?? Infinity, latestS + 1),
        stored,
      });
    }
    if (!series) {
      await rm(out, { force: true });
      job.log(`device ${device.name}: nothing new`);
      if (leftOut !== undefined) throw new PondError(ErrorCode.BadInput, leftOut, { input: path });
      return undefined;
    }
    if (series.padded.length > 0)
      job.log(
        `device ${device.name}: no readings of ${series.padded.join(', ')} (stored as empty)`,
      );
    if (stored) {
      const problems = appendProblems(
        { versions: 1, columns: stored },
        series.columns,
        'timestamp',
      );
      if (problems.length > 0) {
        throw new PondError(
          ErrorCode.BadInput,
          `its readings cannot be a new version of '${path}': ${problems.join('; ')}`,
          { input: path },
        );
      }
    }
    job.log(`device ${device.name}: ${series.rows} rows, ${series.columns.length - 1} columns`);
    return leftOut === undefined ? { device, path, series } : { device, path, series, leftOut };
  } catch (e) {
    await rm(out, { force: true });
    throw e;
  }
}

/** The columns of the device's active series, when it exists. */
async function storedColumns(txn: PondTxn, path: string): Promise<ColumnInfo[] | undefined> {
  const found = await (await txn.wd()).lookup(path).catch(() => undefined);
  if (!found?.found || !isFile(found.node)) return undefined;
  return (await storedSchema(txn, found.node, path)).columns;
}

/**
 * Writes one device's version in the run's transaction. Readings another run stored since this
 * one looked are left out (or the whole batch, when it has nothing newer); the version is checked
 * against the series as it is now.
 */
async function placeBatch(
  txn: PondTxn,
  session: DuckSession,
  blobs: BlobStore,
  cfg: HydroVuConfig,
  b: DeviceBatch,
): Promise<AddedFile | undefined> {
  const wd = await txn.wd();
  const newest = await newestStored(txn, cfg, b.device);
  if (newest !== undefined && newest >= b.series.minUs) {
    if (newest >= b.series.maxUs) return undefined;
    b.series = await dropThrough(session, blobs, b.series, newest);
  }
  const series = b.series;
  await wd.mkdir(resolvePath('..', b.path), { parents: true });
  const found = await wd.lookup(b.path);
  if (found.found) {
    if (!isFile(found.node) || found.node.type !== 'series') {
      throw new PondError(
        ErrorCode.WrongType,
        `'${b.path}' is a ${found.node.type}, not a series; move it away to collect device '${b.device.name}'`,
        { input: b.path },
      );
    }
    await checkNewVersion(
      txn,
      found.node,
      b.path,
      series.columns,
      'timestamp',
      `the readings of device '${b.device.name}'`,
      'nothing was written',
    );
  }
  const { node } = await wd.writeFile(b.path, 'series', {
    hostPath: series.file,
    timestampColumn: 'timestamp',
    minEventTimeUs: series.minUs,
    maxEventTimeUs: series.maxUs,
  });
  const versions = await node.versions();
  return { path: b.path, rows: series.rows, version: versions[versions.length - 1]!.version };
}

/** The series without the rows at or before `newestUs` (another run stored them). */
async function dropThrough(
  session: DuckSession,
  blobs: BlobStore,
  series: WideSeries,
  newestUs: number,
): Promise<WideSeries> {
  const out = await blobs.tempPath('.parquet');
  const r = await session.all(
    `COPY (SELECT * FROM read_parquet(${literal(series.file)}) WHERE epoch_us(${ident('timestamp')}) > ${newestUs} ORDER BY 1)
     TO ${literal(out)} (FORMAT parquet, RETURN_STATS, USE_TMP_FILE false)`,
  );
  const range = await session.all(
    `SELECT epoch_us(min("timestamp"))::DOUBLE AS lo, epoch_us(max("timestamp"))::DOUBLE AS hi FROM read_parquet(${literal(out)})`,
  );
  await rm(series.file, { force: true });
  return {
    ...series,
    file: out,
    rows: Number(r[0]?.['count'] ?? 0),
    minUs: range[0]!['lo'] as number,
    maxUs: range[0]!['hi'] as number,
  };
}

function cancelled(e: unknown): PondError {
  return isPondError(e, ErrorCode.Cancelled)
    ? e
    : new PondError(ErrorCode.Cancelled, 'the run was cancelled; nothing was written', {
        cause: e,
      });
}
