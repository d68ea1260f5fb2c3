import { isoFromMicros } from '../query/time.js';

export { isoFromMicros };

/** ms since the epoch as ISO-8601 UTC, without a fraction when there is none. */
export function isoFromMillis(ms: number): string {
  return isoFromMicros(ms * 1000);
}
