import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseDuration } from '../config/duration.js';
import { parseUtcTime } from '../query/time.js';

const DAY_MS = 86_400_000;
const RELATIVE = /^(now|today)?\s*(?:([+-])\s*(.+))?$/i;

/**
 * An export's `--start-time` / `--end-time` (or a profile's `start-time` / `end-time`), in ms
 * since the epoch. Either an absolute time (`2024-07-01`, `2024-07-01T12:00:00Z`; no zone means
 * UTC), or a time relative to when the export runs, so a profile run from cron keeps exporting
 * "the last 30 days":
 *   - `now`, `now-30d`, `now-12h`, and `-30d` (short for `now-30d`);
 *   - `today` (00:00 UTC of the current day), `today-7d`, `today+1d`.
 * Durations are whole units: `30s`, `15m`, `12h`, `30d`, `2w`, or sums like `1d12h`. All UTC.
 */
export function parseExportTime(text: string, what: string, nowMs: number): number {
  const s = text.trim();
  if (/^\d{4}-/.test(s)) return parseUtcTime(s, what);
  const m = RELATIVE.exec(s);
  const bad = (why: string) =>
    new PondError(
      ErrorCode.InvalidArgument,
      `${what}: '${text}' ${why} (use a UTC time like 2024-07-01 or 2024-07-01T12:00:00Z, or a relative one like -30d, now-12h, today, today-7d)`,
      { input: text },
    );
  if (!m || s === '' || (m[1] === undefined && m[2] !== '-')) throw bad('is not a time');
  const base = (m[1] ?? 'now').toLowerCase() === 'today' ? startOfUtcDay(nowMs) : nowMs;
  if (m[2] === undefined) return base;
  let ms: number;
  try {
    ms = parseDuration(m[3]!, what, '');
  } catch {
    throw bad(`has a bad duration '${m[3]}'`);
  }
  return m[2] === '-' ? base - ms : base + ms;
}

/** Whether a time is relative (its value depends on when the export runs). */
export function isRelativeTime(text: string): boolean {
  return !/^\d{4}-/.test(text.trim());
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
