import { rm } from 'node:fs/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { DuckSession } from '../../duckdb/session.js';
import { ident, literal } from '../../duckdb/sql.js';
import { appendProblems, checkNewVersion } from '../../query/schema-check.js';
import { isFile } from '../../tinyfs/node.js';
import { resolvePath } from '../../tinyfs/path.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import type { PondTxn } from '../../tlogfs/transaction.js';
import type { RunContext } from '../executable.js';
import type { Names } from './client.js';
import type { HydroVuConfig, HydroVuDevice } from './config.js';
import type { FetchedPages } from './fetch-pages.js';
import { newestStored } from './resume.js';
import { wideSeries, type WideSeries } from './wide-series.js';

/** A device's new readings, converted and waiting for the run's transaction. */
export interface DeviceBatch {
  device: HydroVuDevice;
  path: string;
  series: WideSeries;
  /**
   * The series file's SHA-256, computed (and the file synced) right after its conversion, beside
   * the next device's fetch: the transaction then only links it in. Undefined when that failed
   * (the transaction hashes and syncs it itself, and fails there if it still cannot).
   */
  sha256?: string | undefined;
  /** Readings left out of it (dated too far ahead), named as the device's failure. */
  leftOut?: string;
}

/** A device's pages as one wide series version, checked against the stored columns. */
export async function convertDevice(
  job: RunContext<HydroVuConfig>['job'],
  session: DuckSession,
  blobs: BlobStore,
  f: FetchedPages,
  names: Names,
  latestS: number,
): Promise<DeviceBatch | undefined> {
  const { device, path, stored } = f;
  const out = await blobs.tempPath('.parquet');
  const scratch = await blobs.tempPath('.parquet');
  let leftOut: string | undefined;
  try {
    let series = await wideSeries(session, device, f.readings, names, out, {
      afterS: f.afterS,
      beforeS: f.beforeS,
      stored,
      scratch,
    });
    if (!series && f.beforeS !== undefined) {
      // Only the newest time was fetched: it is all there is, so it is kept whole.
      series = await wideSeries(session, device, f.readings, names, out, {
        afterS: f.afterS,
        beforeS: undefined,
        stored,
        scratch,
      });
    }
    if (series && series.maxUs > latestS * 1e6) {
      const newest = new Date(series.maxUs / 1000).toISOString();
      leftOut = `HydroVu sent readings up to ${newest}, more than a day after this machine's clock; they were left out (stored, every later run would resume after them), the others written`;
      job.log(`device ${device.name}: ${leftOut}`);
      series = await wideSeries(session, device, f.readings, names, out, {
        afterS: f.afterS,
        beforeS: Math.min(f.beforeS ?? Infinity, latestS + 1),
        stored,
        scratch,
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
    const sha256 = await BlobStore.seal(series.file).catch(() => undefined);
    job.log(`device ${device.name}: ${series.rows} rows, ${series.columns.length - 1} columns`);
    return leftOut === undefined
      ? { device, path, series, sha256 }
      : { device, path, series, sha256, leftOut };
  } catch (e) {
    await rm(out, { force: true });
    throw e;
  }
}

/**
 * Writes one device's version in the run's transaction. Readings another run stored since this
 * one looked are left out (or the whole batch, when it has nothing newer); the version is checked
 * against the series as it is now.
 */
export async function placeBatch(
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
    b.sha256 = undefined;
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
    sha256: b.sha256,
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
