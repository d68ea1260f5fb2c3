import { open, rm } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import type { BlobStore } from '../../tlogfs/blob-store.js';
import type { RunContext } from '../executable.js';
import type { HydroVuClient } from './client.js';
import { activeSeriesPath, type HydroVuConfig, type HydroVuDevice } from './config.js';
import { MAX_PAGE_BYTES, PageBuffer } from './page-buffer.js';
import { asOneLine, newestTime, scanPage } from './page-scan.js';

const NEWLINE = Buffer.from('\n');

/** Where a device's collection resumes, and the columns its active series has. */
export interface Start {
  newestUs: number | undefined;
  stored: ColumnInfo[] | undefined;
}

/** A device's pages, fetched and waiting to be converted. */
export interface FetchedPages {
  device: HydroVuDevice;
  path: string;
  files: string[];
  pairs: { pid: string; uid: string }[];
  readings: number;
  /** The longest page's length in bytes. */
  largestPage: number;
  afterS: number | undefined;
  beforeS: number | undefined;
  stored: ColumnInfo[] | undefined;
}

/**
 * A device's new pages, saved as they came (up to max_points_per_run readings), one page a line
 * in one file; undefined when HydroVu has nothing new. Each page is checked as it comes (its
 * location, its next-page token never seen before) and nothing is kept of a device that failed.
 */
export async function fetchPages(
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
    let largestPage = 0;
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
        largestPage = Math.max(largestPage, line[0]!.length);
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
    return {
      device,
      path,
      files,
      pairs: [...pairs.values()],
      readings,
      largestPage,
      afterS,
      beforeS,
      stored,
    };
  } catch (e) {
    for (const f of files) await rm(f, { force: true });
    throw e;
  }
}
