import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * A time given by a user, as ms since the epoch. Accepted: `2024-07-01`, `2024-07-01 12:00:00`,
 * `2024-07-01T12:00:00`, with optional fraction and `Z` or `+HH:MM`. Times without a zone are
 * UTC (never the machine's zone).
 */
export function parseUtcTime(s: string, what: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      s.trim(),
    );
  const bad = () =>
    new PondError(
      ErrorCode.InvalidArgument,
      `${what}: '${s}' is not a time (use e.g. 2024-07-01 or 2024-07-01T12:00:00Z)`,
      { input: s },
    );
  if (!m) throw bad();
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const z =
    zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${z}`;
  const ms = Date.parse(iso);
  // Date.parse rolls over impossible dates (2024-02-31); a round trip catches them.
  if (Number.isNaN(ms) || (z === 'Z' && !new Date(ms).toISOString().startsWith(`${y}-${mo}-${d}`)))
    throw bad();
  return ms;
}

/** ms since the epoch as ISO-8601 UTC, without a fraction when there is none: 2024-07-01T00:00:00Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * µs since the epoch as ISO-8601 UTC: `2024-07-01T00:00:00Z`, with milliseconds
 * (`...00.250Z`) or microseconds (`...00.250001Z`) only when there are some. Never the
 * machine's zone.
 */
export function isoFromMicros(micros: number): string {
  const us = Math.round(micros);
  const seconds = Math.floor(us / 1_000_000);
  const fraction = us - seconds * 1_000_000; // 0 <= fraction < 1e6, also before 1970
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (fraction === 0) return `${base}Z`;
  const digits = String(fraction).padStart(6, '0');
  return `${base}.${fraction % 1000 === 0 ? digits.slice(0, 3) : digits}Z`;
}
