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

/** ms since the epoch as ISO-8601 UTC, without a fraction when there is none. */
export function isoFromMillis(ms: number): string {
  return isoFromMicros(ms * 1000);
}
