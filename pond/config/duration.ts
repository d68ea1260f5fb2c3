import { configError } from './config.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** A duration such as `1h`, `15m`, `1d`, `1h30m` or `2 days`, in ms (humantime-style, as the original). */
export function parseDuration(text: string, where: string, key: string): number {
  const re = /(\d+)\s*([a-z]+)/gy;
  const s = text.trim().toLowerCase();
  let ms = 0;
  let at = 0;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const unit = UNITS[m[2]!];
    if (unit === undefined)
      throw configError(
        where,
        key,
        `'${text}' is not a duration: unknown unit '${m[2]}' (use ms, s, m, h, d, w)`,
      );
    ms += Number(m[1]) * unit;
    at = re.lastIndex;
    while (s[at] === ' ') at++;
    re.lastIndex = at;
  }
  if (at !== s.length || ms <= 0)
    throw configError(where, key, `'${text}' is not a duration (e.g. 30s, 15m, 1h, 1d)`);
  return ms;
}

/**
 * The start of the `ms`-wide bucket, counted from the epoch, holding a timestamp expression:
 * integer microsecond arithmetic (exact, and several times faster than time_bucket over
 * TIMESTAMPTZ, which goes through the calendar). The modulo is kept positive before 1970.
 */
export function epochBucketSql(ms: number, timestamp: string): string {
  const us = BigInt(ms) * 1000n;
  const e = `epoch_us(${timestamp})`;
  return `make_timestamptz(${e} - ((${e} % ${us}) + ${us}) % ${us})`;
}
