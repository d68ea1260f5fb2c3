import { rm } from 'node:fs/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import { storedSchema } from '../../query/schema-check.js';
import { isFile } from '../../tinyfs/node.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import type { PondTxn } from '../../tlogfs/transaction.js';
import type { RunContext, RunResult } from '../executable.js';
import { HydroVuClient, type Fetch, type Names } from './client.js';
import { activeSeriesPath, type HydroVuConfig, type HydroVuDevice } from './config.js';
import { newestStored } from './resume.js';
import { convertDevice, placeBatch, type DeviceBatch } from './device-batch.js';
import { fetchPages, type FetchedPages, type Start } from './fetch-pages.js';

/**
 * A reading dated more than this after the run's start is left out: collection resumes after the
 * newest reading stored, so one stored from 2100 (a device clock gone wrong) would make every
 * later run skip each reading before it, silently.
 */
const AHEAD_S = 24 * 3600;

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
        fetched = await fetchPages(ctx, client, device, await starts.get(device)!);
      } catch (e) {
        failed(device, e);
      }
      if (!fetched) continue;
      readings += fetched.readings.count;
      const f = fetched;
      converting = converting.then(async () => {
        try {
          const batch = await convertDevice(job, session, blobs, f, names, latestS);
          batches[i] = batch;
          if (batch?.leftOut !== undefined) {
            failures.push(`device '${device.name}' (${device.id}): ${batch.leftOut}`);
            failedCodes.push(ErrorCode.BadInput);
          }
        } catch (e) {
          failed(device, e);
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

/** The columns of the device's active series, when it exists. */
async function storedColumns(txn: PondTxn, path: string): Promise<ColumnInfo[] | undefined> {
  const found = await (await txn.wd()).lookup(path).catch(() => undefined);
  if (!found?.found || !isFile(found.node)) return undefined;
  return (await storedSchema(txn, found.node, path)).columns;
}

function cancelled(e: unknown): PondError {
  return isPondError(e, ErrorCode.Cancelled)
    ? e
    : new PondError(ErrorCode.Cancelled, 'the run was cancelled; nothing was written', {
        cause: e,
      });
}
