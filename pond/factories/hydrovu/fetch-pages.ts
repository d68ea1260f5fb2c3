import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { ColumnInfo } from '../../query/parquet-file.js';
import type { RunContext } from '../executable.js';
import type { HydroVuClient } from './client.js';
import { activeSeriesPath, type HydroVuConfig, type HydroVuDevice } from './config.js';
import { DeviceReadings } from './device-readings.js';
import { MAX_PAGE_BYTES, PageBuffer } from './page-buffer.js';
import { parsePage } from './page-parse.js';

/** Where a device's collection resumes, and the columns its active series has. */
export interface Start {
  newestUs: number | undefined;
  stored: ColumnInfo[] | undefined;
}

/** A device's readings, fetched and waiting to be converted. */
export interface FetchedPages {
  device: HydroVuDevice;
  path: string;
  readings: DeviceReadings;
  afterS: number | undefined;
  beforeS: number | undefined;
  stored: ColumnInfo[] | undefined;
}

/**
 * A device's new readings (up to max_points_per_run), each page read as it comes (page-parse.ts)
 * into the device's readings; undefined when HydroVu has nothing new. Each page is checked as it
 * comes (strict JSON of the documented shape, its location, its next-page token never seen
 * before): a device that fails keeps nothing.
 */
export async function fetchPages(
  ctx: RunContext<HydroVuConfig>,
  client: HydroVuClient,
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
  const readings = new DeviceReadings();
  const memory = new PageBuffer(MAX_PAGE_BYTES);
  let next: string | undefined;
  const tokens = new Set<string>();
  let beforeS: number | undefined;
  for (let n = 1; ; n++) {
    const page = await client.dataPage(device.id, startS, next, memory);
    const summary = parsePage(page.body, readings, `page ${n}`, label);
    if (summary.location !== device.id) {
      throw new PondError(
        ErrorCode.BadInput,
        `HydroVu sent readings of location ${summary.location} for it; nothing was written for it`,
        { input: label },
      );
    }
    job.log(`device ${device.name}: page ${n}: ${summary.readings} readings`);
    job.progress({
      done: readings.count,
      message: `device ${device.name}: ${readings.count} readings`,
    });
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
    if (readings.count >= cfg.maxPointsPerRun) {
      // The newest time may have only some of its parameters on this page: the next run
      // fetches it again, from there.
      beforeS = summary.newestS;
      job.log(
        `device ${device.name}: ${readings.count} readings reach max_points_per_run; the rest next run`,
      );
      break;
    }
  }
  if (readings.count === 0) {
    job.log(`device ${device.name}: nothing new`);
    return undefined;
  }
  return { device, path, readings, afterS, beforeS, stored };
}
