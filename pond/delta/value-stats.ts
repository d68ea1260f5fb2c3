import { type StatObject, isoMillisOf, jsonText, truncateMax, truncateMin } from './stats.js';

/**
 * Per-file statistics (stats.ts) of rows the writer holds in memory: the same JSON that
 * `buildStats` makes from DuckDB's COPY statistics, for the columns written in JS
 * (parquet-writer.ts). Strings are compared in UTF-8 byte order, as Spark, kernel-rs and DuckDB
 * compare them; binary columns get a nullCount only.
 */

export interface StatColumn {
  name: string;
  kind: 'string' | 'binary' | 'long' | 'timestamp';
  values: readonly (string | Uint8Array | number | bigint | null)[];
}

export function valueStats(numRecords: number, columns: readonly StatColumn[]): string {
  const min: StatObject = {};
  const max: StatObject = {};
  const nulls: StatObject = {};
  for (const c of columns) {
    let nullCount = 0;
    let lo: string | bigint | undefined;
    let hi: string | bigint | undefined;
    for (const v of c.values) {
      if (v === null) {
        nullCount++;
        continue;
      }
      if (c.kind === 'binary') continue;
      if (c.kind === 'string') {
        const s = v as string;
        if (lo === undefined || utf8Less(s, lo as string)) lo = s;
        if (hi === undefined || utf8Less(hi as string, s)) hi = s;
      } else {
        const n = BigInt(v as number | bigint);
        if (lo === undefined || n < (lo as bigint)) lo = n;
        if (hi === undefined || n > (hi as bigint)) hi = n;
      }
    }
    nulls[c.name] = nullCount;
    if (lo === undefined || hi === undefined) continue;
    if (c.kind === 'string') {
      min[c.name] = truncateMin(lo as string);
      const upper = truncateMax(hi as string);
      if (upper !== undefined) max[c.name] = upper;
    } else if (c.kind === 'long') {
      min[c.name] = lo;
      max[c.name] = hi;
    } else {
      const a = isoMillisOf(lo as bigint);
      const b = isoMillisOf(hi as bigint);
      if (a !== undefined && b !== undefined) {
        min[c.name] = a;
        max[c.name] = b;
      }
    }
  }
  return jsonText({ numRecords, minValues: min, maxValues: max, nullCount: nulls });
}

/** a < b in UTF-8 byte order (= code point order; UTF-16 order differs past U+D7FF). */
function utf8Less(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point past U+FFFF) sorts after every unit from U+E000 up.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sy;
    return x < y;
  }
  return a.length < b.length;
}
