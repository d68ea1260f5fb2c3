import { formatUtc } from '../../query/time.js';

/** 1234 -> '1.2KB', as the original prints sizes. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)}MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)}KB`;
  return `${bytes}B`;
}

/** ms since the epoch -> '2024-05-01T12:00:00Z' (always UTC, to the second). */
export function formatTime(ms: number | undefined): string {
  return ms === undefined ? '-' : formatUtc(Math.floor(ms / 1000) * 1000);
}

/** µs since the epoch -> ISO-8601 UTC, keeping sub-second digits when there are any. */
export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  const iso = new Date(ms).toISOString();
  if (rest === 0) return iso.replace(/\.000Z$/, 'Z');
  return iso.replace(/Z$/, `${String(rest).padStart(3, '0')}Z`);
}
