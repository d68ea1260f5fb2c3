import { describe, expect, it } from 'vitest';
import { prng } from '../../delta/test/helpers.js';
import { Column, DeviceReadings } from '../hydrovu/device-readings.js';
import { parsePage } from '../hydrovu/page-parse.js';
import { wideRows } from '../hydrovu/wide-rows.js';

/**
 * The merge of a device's columns into rows, against a naive pivot through a Map: random rising
 * columns (gaps, shared and unshared times, null values, empty columns, no columns) and bounds.
 */

type Rows = { rows: number; times: number[]; columns: number[][] };

/** The rows a pivot gives: each time in (afterS, beforeS) any column has, NaN where one has none. */
function pivot(
  columns: { times: number[]; values: number[] }[],
  afterS: number | undefined,
  beforeS: number | undefined,
): Rows {
  const byTime = new Map<number, number[]>();
  columns.forEach((c, k) =>
    c.times.forEach((t, i) => {
      if ((afterS !== undefined && t <= afterS) || (beforeS !== undefined && t >= beforeS)) return;
      let row = byTime.get(t);
      if (!row) byTime.set(t, (row = columns.map(() => NaN)));
      row[k] = c.values[i]!;
    }),
  );
  const times = [...byTime.keys()].sort((a, b) => a - b);
  return {
    rows: times.length,
    times,
    columns: columns.map((_, k) => times.map((t) => byTime.get(t)![k]!)),
  };
}

function merged(columns: Column[], afterS: number | undefined, beforeS: number | undefined) {
  const got = wideRows(columns, afterS, beforeS);
  if (got === undefined) return undefined;
  expect(got.times.length).toBe(got.rows);
  for (const c of got.columns) expect(c.length).toBe(got.rows);
  return { rows: got.rows, times: [...got.times], columns: got.columns.map((c) => [...c]) };
}

function column(times: number[], values: number[]): Column {
  const c = new Column();
  times.forEach((t, i) => c.push(t, values[i]!));
  return c;
}

describe('wideRows', () => {
  it('gives the rows a naive pivot gives, for random rising columns and bounds', () => {
    const r = prng(5150);
    const int = (n: number) => Math.floor(r() * n);
    let sameTimes = 0;
    let mixed = 0;
    for (let n = 0; n < 3000; n++) {
      const shared = r() < 0.4;
      const count = int(5);
      const length = r() < 0.05 ? 3000 : int(40);
      const start = 1_700_000_000 + int(100) * 60;
      const base: number[] = [];
      for (let i = 0, t = start; i < length; i++)
        base.push((t += 1 + (r() < 0.8 ? 59 : int(5000))));
      const data = Array.from({ length: count }, () => {
        const times = shared ? base : base.filter(() => r() < 0.6);
        if (!shared && r() < 0.1) times.length = 0;
        const values = times.map(() => {
          const roll = r();
          return roll < 0.15 ? NaN : roll < 0.2 ? -0 : (r() - 0.5) * 10 ** int(12);
        });
        return { times, values };
      });
      const all = data.flatMap((d) => d.times);
      const bound = () => {
        const roll = r();
        if (roll < 0.25 || all.length === 0) return roll < 0.12 ? undefined : start + int(1000);
        if (roll < 0.6) return all[int(all.length)]!; // equal to a time
        if (roll < 0.7) return roll < 0.65 ? -1e10 : 1e10; // outside the range
        return all[int(all.length)]! + (r() < 0.5 ? 1 : -1);
      };
      const afterS = bound();
      const beforeS = bound();
      const columns = data.map((d) => column(d.times, d.values));
      const got = merged(columns, afterS, beforeS);
      const want = pivot(data, afterS, beforeS);
      expect(got).toEqual(want);
      if (shared && count > 1 && want.rows > 0) sameTimes++;
      if (!shared && count > 1 && want.rows > 0) mixed++;
    }
    expect(Math.min(sameTimes, mixed)).toBeGreaterThan(300);
  });

  it('gives no rows, not a negative count, when the bounds leave none (afterS past beforeS)', () => {
    const times = [10, 20, 30, 40];
    const values = [1, 2, 3, 4];
    for (const [afterS, beforeS] of [
      [30, 20],
      [25, 15],
      [40, 10],
      [20, 20],
      [20, 21],
      [19, 20],
    ] as const) {
      // One column, and three at the same times (the path that keeps the columns as they are).
      for (const count of [1, 3]) {
        const columns = Array.from({ length: count }, () => column(times, values));
        expect(merged(columns, afterS, beforeS)).toEqual(
          pivot(
            columns.map(() => ({ times, values })),
            afterS,
            beforeS,
          ),
        );
      }
    }
    expect(merged([], 5, 1)).toEqual({ rows: 0, times: [], columns: [] });
    expect(merged([], undefined, undefined)).toEqual({ rows: 0, times: [], columns: [] });
    expect(merged([new Column(), new Column()], undefined, undefined)).toEqual({
      rows: 0,
      times: [],
      columns: [[], []],
    });
  });

  it('gives undefined when a column repeats a time or goes back, within a page or across two', () => {
    const ok = column([1, 2, 3], [1, 2, 3]);
    expect(merged([ok, column([1, 2, 2], [1, 2, 3])], undefined, undefined)).toBeUndefined();
    expect(merged([column([1, 3, 2], [1, 2, 3]), ok], undefined, undefined)).toBeUndefined();
    // Out of order outside the bounds still leaves the choice to DuckDB's exact pass.
    expect(merged([ok, column([1, 0, 5], [1, 2, 3])], 2, 4)).toBeUndefined();
    // Across two parameters of a pair (two pages, or one page naming the pair twice).
    const device = new DeviceReadings();
    const page = (times: number[]) =>
      Buffer.from(
        JSON.stringify({
          locationId: 1,
          parameters: [
            {
              parameterId: 'p',
              unitId: 'u',
              readings: times.map((t) => ({ timestamp: t, value: t })),
            },
          ],
        }),
      );
    parsePage(page([1, 2, 3]), device, 'page 1', 'device');
    expect(merged(device.pairs, undefined, undefined)?.times).toEqual([1, 2, 3]);
    parsePage(page([4, 5]), device, 'page 2', 'device');
    expect(merged(device.pairs, undefined, undefined)?.times).toEqual([1, 2, 3, 4, 5]);
    parsePage(page([5, 6]), device, 'page 3', 'device');
    expect(merged(device.pairs, undefined, undefined)).toBeUndefined();
    const back = new DeviceReadings();
    for (const times of [[10, 20], [], [15]]) {
      back.startParameter();
      for (const t of times) back.add(t, 0);
      back.endParameter('p', 'u');
    }
    expect(back.pairs[0]!.increasing).toBe(false);
    expect(merged(back.pairs, undefined, undefined)).toBeUndefined();
    // A column past its first memory (1024 readings), by pushes and by appends, keeps rising.
    const long = new DeviceReadings();
    for (let p = 0; p < 3; p++) {
      long.startParameter();
      for (let i = 0; i < 1500; i++) long.add(p * 1500 + i, i);
      long.endParameter('p', 'u');
    }
    expect(merged(long.pairs, undefined, undefined)?.rows).toBe(4500);
  });
});
