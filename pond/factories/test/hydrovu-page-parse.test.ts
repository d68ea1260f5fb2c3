import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { prng } from '../../delta/test/helpers.js';
import { DeviceReadings } from '../hydrovu/device-readings.js';
import { type PageSummary, parsePage } from '../hydrovu/page-parse.js';
import {
  type Extracted,
  extract,
  int,
  numberText,
  pick,
  randomPage,
  readJson,
  toPlain,
  write,
} from './hydrovu-json.js';

/**
 * The HydroVu page reader against JSON.parse and a reference extractor over its result
 * (hydrovu-json.ts): random valid pages written every way JSON allows, numbers of every form,
 * random corruptions of pages, and each refusal one by one.
 */

/** What parsePage gave, in the reference's terms; or the PondError it threw. */
function parsed(page: Buffer): Extracted {
  const into = new DeviceReadings();
  const summary: PageSummary = parsePage(page, into, 'page 1', 'device 7');
  expect(into.count).toBe(summary.readings);
  return {
    location: summary.location,
    pairs: into.pairs.map((p) => ({
      pid: p.pid,
      uid: p.uid,
      times: [...p.times],
      values: [...p.values],
    })),
    readings: summary.readings,
    newestS: summary.newestS,
  };
}

/** The error parsePage throws for `page`: a BAD_INPUT naming the device and page. */
function refusal(page: Buffer | string): string {
  try {
    parsePage(Buffer.from(page), new DeviceReadings(), 'page 1', 'device 7');
  } catch (e) {
    if (!isPondError(e, ErrorCode.BadInput)) throw e;
    expect(e.input).toBe('device 7');
    expect(e.message).toMatch(/^page 1: HydroVu's readings do not read: /);
    return e.message;
  }
  throw new Error(`parsePage accepted ${String(page).slice(0, 200)}`);
}

/** Expects a refusal saying `why`, at byte `at` of the page. */
function refusedAt(page: string, why: RegExp, at: number): void {
  const message = refusal(page);
  expect(message).toMatch(why);
  expect(message).toContain(`(byte ${at} of ${Buffer.byteLength(page)})`);
}

/** Same as extract(), with newestS compared as a number (-0 and 0 are the same time). */
function expectSame(got: Extracted, want: Extracted): void {
  expect({ ...got, newestS: undefined }).toEqual({ ...want, newestS: undefined });
  expect(got.newestS === want.newestS).toBe(true);
}

const page = (readings: string, more = '') =>
  `{"locationId":5,"parameters":[{"parameterId":"1","unitId":"2","readings":[${readings}]}]${more}}`;

describe('parsePage', () => {
  it('reads random valid pages exactly as JSON.parse does, bit for bit', () => {
    const r = prng(20261128);
    let readings = 0;
    for (let n = 0; n < 3000; n++) {
      const text = write(randomPage(r), r);
      const tree = readJson(text);
      // The reference reader gives what JSON.parse gives (duplicates aside, none here).
      expect(toPlain(tree)).toEqual(JSON.parse(text));
      const want = extract(tree);
      if (typeof want === 'string') throw new Error(`generated an invalid page: ${want}`);
      expectSame(parsed(Buffer.from(text)), want);
      readings += want.readings;
    }
    expect(readings).toBeGreaterThan(10_000);
  });

  it('turns every number into the double Number() gives for its text', () => {
    const r = prng(7);
    const texts: string[] = [];
    for (let n = 0; n < 20_000; n++) texts.push(numberText(r));
    // Near the fast path's limits: 15 and 16 digits, 22 and 23 decimals, 10^22 and 10^23.
    for (let n = 0; n < 5000; n++) {
      const digits = Array.from({ length: pick(r, [15, 16]) }, (_, i) =>
        String(i === 0 ? 1 + int(r, 9) : int(r, 10)),
      ).join('');
      const point = int(r, digits.length + 1);
      texts.push(`${digits.slice(0, point) || '0'}.${digits.slice(point)}0`.replace(/\.0$/, ''));
      texts.push(`0.${'0'.repeat(int(r, 8))}${digits}`);
      texts.push(`${pick(r, ['', '-'])}${digits}`);
    }
    texts.push('1e22', '1e23', '1E+22', '9.999999999999999e22', '10000000000000000000000');
    texts.push('100000000000000000000000', '0.0000000000000000000001', '0.00000000000000000000001');
    texts.push('999999999999999', '9999999999999999', '9007199254740991', '9007199254740993');
    // String() of random doubles of every magnitude, and their fixed and exponent forms.
    const view = new DataView(new ArrayBuffer(8));
    for (let n = 0; n < 5000; n++) {
      view.setUint32(0, int(r, 2 ** 32));
      view.setUint32(4, int(r, 2 ** 32));
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      texts.push(String(x).replace('+', ''));
      texts.push(x.toExponential(int(r, 21)));
      if (Math.abs(x) < 1e21) texts.push(x.toFixed(int(r, 21)));
      const y = r() * 10 ** int(r, 30);
      texts.push(String(y), y.toPrecision(1 + int(r, 21)));
    }
    const readings = texts.map((t) => `{"timestamp":0,"value":${t}}`).join(',');
    const got = parsed(Buffer.from(page(readings)));
    const values = got.pairs[0]!.values;
    expect(values.length).toBe(texts.length);
    const bad = texts.filter((t, i) => !Object.is(values[i], Number(t)));
    expect(bad).toEqual([]);
  });
});
