import { ErrorCode, PondError } from '../../shared/errors.js';
import type { Metadata } from './actions.js';

/** Table properties from `metaData.configuration` that this library acts on, with Spark's defaults. */

export const CHECKPOINT_INTERVAL = 'delta.checkpointInterval';
export const DEFAULT_CHECKPOINT_INTERVAL = 10;

const DAY = 24 * 3600 * 1000;
const UNITS: Record<string, number> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3600_000,
  day: DAY,
  week: 7 * DAY,
};

export function checkpointInterval(md: Metadata): number {
  const raw = md.configuration[CHECKPOINT_INTERVAL];
  if (raw === undefined) return DEFAULT_CHECKPOINT_INTERVAL;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw badConfig(CHECKPOINT_INTERVAL, raw);
  return n;
}

/** How long a `remove` stays a tombstone (delta.deletedFileRetentionDuration, default 1 week). */
export function deletedFileRetentionMs(md: Metadata): number {
  return intervalConfig(md, 'delta.deletedFileRetentionDuration', 7 * DAY);
}

/** How long commits are kept by log cleanup (delta.logRetentionDuration, default 30 days). */
export function logRetentionMs(md: Metadata): number {
  return intervalConfig(md, 'delta.logRetentionDuration', 30 * DAY);
}

export function isAppendOnly(md: Metadata): boolean {
  return md.configuration['delta.appendOnly']?.toLowerCase() === 'true';
}

/** The target size of files written by optimize (delta.targetFileSize, default 100 MiB as delta-rs). */
export function targetFileSize(md: Metadata): number {
  const raw = md.configuration['delta.targetFileSize'];
  if (raw === undefined) return 100 * 1024 * 1024;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw badConfig('delta.targetFileSize', raw);
  return n;
}

function intervalConfig(md: Metadata, key: string, dflt: number): number {
  const raw = md.configuration[key];
  return raw === undefined ? dflt : parseInterval(raw, key);
}

/** Spark's interval strings: "interval 1 week", "interval 2 days 12 hours", "7 days". */
export function parseInterval(text: string, key = 'interval'): number {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words[0] === 'interval') words.shift();
  if (words.length === 0 || words.length % 2 !== 0) throw badConfig(key, text);
  let ms = 0;
  for (let i = 0; i < words.length; i += 2) {
    const n = Number(words[i]);
    const unit = UNITS[words[i + 1]!.replace(/s$/, '')];
    if (!Number.isFinite(n) || unit === undefined) throw badConfig(key, text);
    ms += n * unit;
  }
  return ms;
}

function badConfig(key: string, value: string): PondError {
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `table property ${key} has an invalid value '${value}'`,
    {
      input: value,
    },
  );
}
