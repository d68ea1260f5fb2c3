import type { Column } from './device-readings.js';

/** A device's readings as rows: one a time, a value (NaN for none) in each column. */
export interface WideRows {
  rows: number;
  /** Unix seconds, rising. */
  times: Float64Array;
  /** One per column, in the columns' order; NaN where the time has no value of it. */
  columns: Float64Array[];
}

/**
 * The rows of times after `afterS` and before `beforeS` (either may be absent), merged from each
 * column's readings; undefined when a column's times do not only rise (a time sent twice, or out
 * of order), which the caller leaves to DuckDB's exact pass. When every column rises, each time
 * has at most one reading a column, so a row is the reading of each column at its time: nothing
 * to choose between, and a time whose only readings are null is a row of NaNs, as DuckDB's
 * GROUP BY makes it.
 */
export function wideRows(
  columns: readonly Column[],
  afterS: number | undefined,
  beforeS: number | undefined,
): WideRows | undefined {
  if (columns.some((c) => !c.increasing)) return undefined;
  const times = columns.map((c) => c.times);
  const values = columns.map((c) => c.values);
  const next = times.map((t) => (afterS === undefined ? 0 : firstIndex(t, (x) => x > afterS)));
  const ends = times.map((t) =>
    beforeS === undefined ? t.length : firstIndex(t, (x) => x >= beforeS),
  );
  // HydroVu sends every parameter at the same times: then the rows are those times, and each
  // column its values, as they are.
  // A bound past the other (afterS >= beforeS) puts a column's end before its start: no rows.
  const n = ends[0] === undefined ? 0 : Math.max(0, ends[0] - next[0]!);
  if (
    columns.every(
      (_, c) =>
        Math.max(0, ends[c]! - next[c]!) === n &&
        sameTimes(times[c]!, next[c]!, times[0]!, next[0]!, n),
    )
  ) {
    return {
      rows: n,
      times: n === 0 ? new Float64Array(0) : times[0]!.subarray(next[0], ends[0]),
      columns: values.map((v, c) => v.subarray(next[c], ends[c])),
    };
  }
  let most = 0;
  for (let c = 0; c < columns.length; c++) most += Math.max(0, ends[c]! - next[c]!);
  const outTimes = new Float64Array(most);
  const outColumns = columns.map(() => new Float64Array(most).fill(NaN));
  let rows = 0;
  for (;;) {
    let time = Infinity;
    for (let c = 0; c < columns.length; c++) {
      if (next[c]! < ends[c]!) time = Math.min(time, times[c]![next[c]!]!);
    }
    if (time === Infinity) break;
    outTimes[rows] = time;
    for (let c = 0; c < columns.length; c++) {
      const i = next[c]!;
      if (i < ends[c]! && times[c]![i] === time) {
        outColumns[c]![rows] = values[c]![i]!;
        next[c] = i + 1;
      }
    }
    rows++;
  }
  return {
    rows,
    times: outTimes.subarray(0, rows),
    columns: outColumns.map((v) => v.subarray(0, rows)),
  };
}

/** Whether `a` from `aStart` holds the `n` times `b` holds from `bStart`. */
function sameTimes(
  a: Float64Array,
  aStart: number,
  b: Float64Array,
  bStart: number,
  n: number,
): boolean {
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** The first index of rising `times` whose time is `past` the bound (their length if none). */
function firstIndex(times: Float64Array, past: (time: number) => boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(times[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
