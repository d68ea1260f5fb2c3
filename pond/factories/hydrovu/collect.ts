import { rm, writeFile } from 'node:fs/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import type { DuckSession } from '../../duckdb/session.js';
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
import { newestStored } from './resume.js';
import { wideSeries, type WideSeries } from './wide-series.js';

/** A device's new readings, converted and waiting for the run's transaction. */
interface DeviceBatch {
  device: HydroVuDevice;
  path: string;
  series: WideSeries;
}

/**
 * `collect`: for each active device, the readings after the newest one stored (paged, up to
 * `max_points_per_run` points), as one new version of `{name}_active.series`; every device's
 * version in one transaction. Fetching and converting happen before the transaction (no write
 * lock held while HydroVu answers); inside it, each version is checked against what is stored
 * then, and readings another run stored meanwhile are left out, so a run killed at any point and
 * run again stores every reading once. A device that fails (HydroVu keeps failing, a type
 * conflict) is named in the result's failures and the others are still written.
 */
export async function collect(ctx: RunContext<HydroVuConfig>, fetcher: Fetch): Promise<RunResult> {
  const { config: cfg, job } = ctx;
  const client = new HydroVuClient(cfg, fetcher, job);
  const names = await client.names();
  const devices = cfg.devices.filter((d) => d.active);
  const skipped = cfg.devices.length - devices.length;
  if (skipped > 0) job.log(`${skipped} inactive device${skipped === 1 ? '' : 's'} skipped`);
  const session = await ctx.pond.session.connect();
  let open = true;
  job.onCancel(() => {
    if (open) session.interrupt();
  });
  const blobs = new BlobStore(ctx.pond.layout.blobs);
  const batches: DeviceBatch[] = [];
  const failures: string[] = [];
  try {
    for (const [i, device] of devices.entries()) {
      job.progress({ done: i, total: devices.length, message: `device ${device.name}` });
      try {
        const batch = await fetchDevice(ctx, client, session, blobs, device, names);
        if (batch) batches.push(batch);
      } catch (e) {
        if (job.signal.aborted || isPondError(e, ErrorCode.Cancelled)) throw cancelled(e);
        // Credentials refused or a bug: every device would fail the same way.
        if (isPondError(e, ErrorCode.BadConfig) || !isPondError(e)) throw e;
        failures.push(`device '${device.name}' (${device.id}): ${e.message}`);
        job.log(`device ${device.name}: failed: ${e.message}`);
      }
    }
    job.progress({ done: devices.length, total: devices.length, message: 'writing' });
    const added: AddedFile[] = [];
    if (batches.length > 0) {
      await ctx.write(async (txn) => {
        added.length = 0;
        for (const b of batches) {
          const a = await placeBatch(txn, session, blobs, cfg, b);
          if (a) added.push(a);
        }
      });
    }
    const points = batches.reduce((n, b) => n + b.series.points, 0);
    const summary =
      added.length > 0
        ? `${added.reduce((n, a) => n + (a.rows ?? 0), 0)} rows (${points} readings) from ${added.length} of ${devices.length} devices`
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
    open = false;
    session.close();
    for (const b of batches) await rm(b.series.file, { force: true });
  }
}

async function fetchDevice(
  ctx: RunContext<HydroVuConfig>,
  client: HydroVuClient,
  session: DuckSession,
  blobs: BlobStore,
  device: HydroVuDevice,
  names: Names,
): Promise<DeviceBatch | undefined> {
  const { config: cfg, job } = ctx;
  const path = activeSeriesPath(cfg, device);
  const { newestUs, stored } = await ctx.pond.read(async (txn) => ({
    newestUs: await newestStored(txn, cfg, device),
    stored: await storedColumns(txn, path),
  }));
  const afterS = newestUs === undefined ? undefined : Math.floor(newestUs / 1e6);
  const startS = afterS === undefined ? 0 : afterS + 1;
  job.log(
    `device ${device.name} (${device.id}): readings from ${new Date(startS * 1000).toISOString()}`,
  );
  const pages: string[] = [];
  try {
    let points = 0;
    let next: string | undefined;
    let stoppedEarly = false;
    for (let n = 1; ; n++) {
      const page = await client.dataPage(device.id, startS, next);
      const count = countReadings(page.body);
      const file = await blobs.tempPath('.json');
      pages.push(file);
      await writeFile(file, page.body);
      points += count;
      job.log(`device ${device.name}: page ${n}: ${count} readings`);
      job.progress({ done: points, message: `device ${device.name}: ${points} readings` });
      next = page.next;
      if (next === undefined) break;
      if (points >= cfg.maxPointsPerRun) {
        stoppedEarly = true;
        job.log(
          `device ${device.name}: ${points} readings reach max_points_per_run; the rest next run`,
        );
        break;
      }
    }
    if (points === 0) {
      job.log(`device ${device.name}: nothing new`);
      return undefined;
    }
    const out = await blobs.tempPath('.parquet');
    try {
      const series = await wideSeries(session, device, pages, names, out, {
        afterS,
        stoppedEarly,
        stored,
      });
      if (!series) {
        await rm(out, { force: true });
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
      return { device, path, series };
    } catch (e) {
      await rm(out, { force: true });
      throw e;
    }
  } finally {
    for (const p of pages) await rm(p, { force: true });
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

/**
 * Readings in a page, counted without parsing it (DuckDB parses it once, later): each reading is
 * an object with one "timestamp" key. Used only to stop at `max_points_per_run`.
 */
function countReadings(body: Buffer): number {
  let n = 0;
  const key = Buffer.from('"timestamp"');
  for (let at = body.indexOf(key); at >= 0; at = body.indexOf(key, at + key.length)) n++;
  return n;
}

function cancelled(e: unknown): PondError {
  return isPondError(e, ErrorCode.Cancelled)
    ? e
    : new PondError(ErrorCode.Cancelled, 'the run was cancelled; nothing was written', {
        cause: e,
      });
}
