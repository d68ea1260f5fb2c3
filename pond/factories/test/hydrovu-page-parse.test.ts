import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { prng } from '../../delta/test/helpers.js';
import { DeviceReadings } from '../hydrovu/device-readings.js';
import { type PageSummary, parsePage } from '../hydrovu/page-parse.js';
import {
  type Extracted,
  type Json,
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

  it('refuses every corruption JSON.parse refuses, and reads every other one as the spec says', () => {
    const r = prng(99);
    const INVALID_UTF8 = [
      [0x80],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xe2, 0x82],
      [0xff],
    ];
    const BYTES = Buffer.from('{}[]:,"\\ \t\r\n0123456789-+.eEtrufalsn\u0000\u001fxZ');
    let refusedByJson = 0;
    let refusedByShape = 0;
    let accepted = 0;
    for (let n = 0; n < 6000; n++) {
      let b = Buffer.from(write(randomPage(r, 3), r));
      for (let m = 1 + int(r, 3); m > 0; m--) {
        const at = int(r, b.length + 1);
        const roll = r();
        const byte = () => (r() < 0.8 ? BYTES[int(r, BYTES.length)]! : int(r, 256));
        let insert: number[] = [];
        let remove = 0;
        if (roll < 0.25) remove = 1;
        else if (roll < 0.45) insert = [byte()];
        else if (roll < 0.65) [remove, insert] = [1, [byte()]];
        else if (roll < 0.7) b = b.subarray(0, at);
        else if (roll < 0.8) {
          // A raw control character, or a lone surrogate escape (still valid JSON), in a string.
          const quote = b.indexOf(0x22, at);
          if (quote >= 0)
            b = Buffer.concat([
              b.subarray(0, quote + 1),
              Buffer.from(r() < 0.5 ? [int(r, 0x20)] : '\\udc00'),
              b.subarray(quote + 1),
            ]);
        } else if (roll < 0.9) insert = pick(r, INVALID_UTF8);
        else {
          // A known key where an unknown one was, or a copy of a member: duplicates.
          const key = pick(r, [
            '"timestamp":1,',
            '"value":2,',
            '"unitId":"u",',
            '"locationId":3,',
            '"readings":[],',
          ]);
          const brace = b.indexOf(0x7b, at);
          if (brace >= 0)
            b = Buffer.concat([b.subarray(0, brace + 1), Buffer.from(key), b.subarray(brace + 1)]);
        }
        if (remove || insert.length)
          b = Buffer.concat([b.subarray(0, at), Buffer.from(insert), b.subarray(at + remove)]);
      }
      let json: unknown;
      let valid = isUtf8(b);
      if (valid) {
        try {
          json = JSON.parse(b.toString('utf8'));
        } catch {
          valid = false;
        }
      }
      if (!valid) {
        refusal(b);
        refusedByJson++;
        continue;
      }
      const tree = readJson(b.toString('utf8'));
      if (!hasDuplicateKeys(tree)) expect(toPlain(tree)).toEqual(json);
      const want = extract(tree);
      if (typeof want === 'string') {
        refusal(b);
        refusedByShape++;
      } else {
        expectSame(parsed(b), want);
        accepted++;
      }
    }
    // Each outcome is exercised, many times.
    expect(Math.min(refusedByJson, refusedByShape, accepted)).toBeGreaterThan(300);
  });

  it('refuses a known key given twice, where JSON.parse keeps the last', () => {
    // Each case: the page, the reason, and the text its offset points at (the second one's value).
    const cases: [string, string, string][] = [
      ['{"locationId":1,"locationId":2}', 'locationId twice', '2}'],
      ['{"locationId":1,"parameters":[],"parameters":[ ]}', 'parameters twice', '[ ]'],
      [page('', ',"locationI\\u0064":6'), 'locationId twice', '6}'],
      [page('{"timestamp":1,"timestamp":2}'), 'timestamp twice', '2}'],
      [page('{"value":1,"timestamp":1,"value":null}'), 'value twice', 'null'],
      [page('{"timestamp":1,"time\\u0073tamp":  3}'), 'timestamp twice', '3}'],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"b","parameterId":"c"}]}',
        'parameterId twice',
        '"c"',
      ],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"b","unitId":"c"}]}',
        'unitId twice',
        '"c"',
      ],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"b","readings":[],"readings":[ ]}]}',
        'readings twice',
        '[ ]',
      ],
    ];
    for (const [text, why, at] of cases) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      refusedAt(text, new RegExp(`names ${why}`), text.lastIndexOf(at));
    }
    // Unknown keys twice, and known keys where they are not known, are read and left alone.
    const ok = `{"x":1,"x":2,"timestamp":1,"timestamp":2,"parameters":[{"parameterId":"a","value":1,"value":2,"unitId":"b","readings":[{"timestamp":3,"unitId":1,"unitId":2}]}],"locationId":1}`;
    expect(parsed(Buffer.from(ok)).pairs).toEqual([
      { pid: 'a', uid: 'b', times: [3], values: [NaN] },
    ]);
  });

  it('refuses each violation, naming the byte where it is', () => {
    // [page, reason, the text the offset points at (its last occurrence), or a byte offset]
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const cases: [string, RegExp, string | number][] = [
      // JSON syntax
      ['', /ends early/, 0],
      ['  ', /ends early/, 2],
      ['[]', /not a JSON object/, 0],
      ['{"locationId":1,}', /expected a key/, '}'],
      ['{"locationId":1 "x":2}', /expected ',' or '}'/, '"x"'],
      ['{"locationId" 1}', /expected ':'/, '1}'],
      ['{"locationId":1', /expected ',' or '}'/, 15],
      ['{"locationId":1} x', /more text/, 'x'],
      ['{"locationId":1}{}', /more text/, '{}'],
      ['{"locationId":1,"x":"a\u0001"}', /raw control/, '\u0001'],
      ['{"locationId":1,"x":"a\\x"}', /escape JSON does not have/, '\\x'],
      ['{"locationId":1,"x":"\\u12G4"}', /4 hex digits/, '\\u12'],
      ['{"locationId":1,"x":"abc}', /not closed/, '"abc'],
      ['{"locationId":1,"x":01}', /starts with a 0/, '01'],
      ['{"locationId":1,"x":-}', /after its minus/, '}'],
      ['{"locationId":1,"x":1.}', /after its point/, '}'],
      ['{"locationId":1,"x":1e+}', /in its exponent/, '}'],
      ['{"locationId":1,"x":nul}', /expected a JSON value/, 'nul'],
      ['{"locationId":1,"x":truex}', /expected a JSON value/, 'truex'],
      ['{"locationId":1,"x":[1,]}', /expected a JSON value/, ']}'],
      [page('{"timestamp":1,"value":2,}'), /expected a key/, '}]}]'],
      [page('{"timestamp":1 "value":2}'), /expected ',' or '}'/, '"value"'],
      [page('{"timestamp":1}{"timestamp":2}'), /expected ',' or ']'/, '{"timestamp":2}'],
      [page('{"timestamp":1,"value":2.5.1}'), /runs into other text/, '2.5.1'],
      [page('{"timestamp":1,"value":-}'), /after its minus/, '}]}]'],
      // the documented shape
      [page('{"value":1}'), /no timestamp/, '{"value"'],
      [page('{"timestamp":1},{}'), /no timestamp/, '{}]'],
      [page('{"timestamp":null,"value":1}'), /no timestamp/, 'null'],
      [page('{"timestamp":"1","value":1}'), /timestamp is not a number/, '"1"'],
      [page('{"timestamp":1.5}'), /not whole/, '1.5'],
      [page('{"timestamp":1e-1}'), /not whole/, '1e-1'],
      [page('{"timestamp":9007199255}'), /outside the years/, '9007199255'],
      [page('{"timestamp":-9007199255}'), /outside the years/, '-9007199255'],
      [page('{"timestamp":1e400}'), /not whole/, '1e400'],
      [page('{"timestamp":1,"value":"1"}'), /value is not a number/, '"1"'],
      [page('{"timestamp":1,"value":true}'), /value is not a number/, 'true'],
      [page('{"timestamp":1,"value":[1]}'), /value is not a number/, '[1]'],
      [page('{"timestamp":1,"value":{}}'), /value is not a number/, '{}}'],
      [page('{"timestamp":1,"value":1e400}'), /range of a double/, '1e400'],
      [page('{"timestamp":1,"value":-1E+309}'), /range of a double/, '-1E+309'],
      ['{"locationId":1,"parameters":{}}', /parameters is not a list/, '{}}'],
      ['{"locationId":1,"parameters":[[]]}', /parameter is not an object/, '[]]'],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"b","readings":{}}]}',
        /readings is not a list/,
        '{}}',
      ],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"b","readings":[1]}]}',
        /reading is not an object/,
        '1]',
      ],
      ['{"locationId":1,"parameters":[{"unitId":"b"}]}', /no parameterId/, '{"unitId"'],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","readings":[]}]}',
        /no unitId/,
        '{"parameterId"',
      ],
      [
        '{"locationId":1,"parameters":[{"parameterId":5,"unitId":"b"}]}',
        /parameterId is not a string/,
        '5,',
      ],
      [
        '{"locationId":1,"parameters":[{"parameterId":"a","unitId":null}]}',
        /unitId is not a string/,
        'null',
      ],
      // a missing locationId is known at the page's end
      ['{"parameters":[]}', /no locationId/, 17],
      ['{"locationId":1.5}', /locationId is not a whole number/, '1.5'],
      ['{"locationId":"1"}', /locationId is not a whole number/, '"1"'],
      ['{"locationId":null}', /locationId is not a whole number/, 'null'],
      ['{"locationId":9007199254740992}', /locationId is not a whole number/, '9007199254740992'],
      // nesting: 256 arrays and objects deep is read, 257 is not (at any level of the page)
      [`{"locationId":1,"x":${deep(257)}}`, /nest deeper than 256/, 20 + 256],
      [`{"locationId":1,"x":[{"y":${deep(256)}}]}`, /nest deeper than 256/, 26 + 254],
      [
        page(`{"timestamp":1,"x":${deep(257)}}`),
        /nest deeper than 256/,
        page('{"timestamp":1,"x":').length - ']}]}'.length + 256,
      ],
      [`{"locationId":1,"parameters":[{"x":${deep(257)}}]}`, /nest deeper than 256/, 35 + 256],
    ];
    for (const [text, why, at] of cases) {
      const offset =
        typeof at === 'number' ? at : Buffer.byteLength(text.slice(0, text.lastIndexOf(at)));
      if (typeof at === 'string') expect(text.lastIndexOf(at)).toBeGreaterThanOrEqual(0);
      refusedAt(text, why, offset);
    }
    // Not UTF-8 (an invalid byte, an overlong form, a surrogate's bytes): refused before reading.
    for (const bad of [[0xff], [0xc0, 0xa2], [0xed, 0xa0, 0x80]]) {
      const b = Buffer.concat([
        Buffer.from('{"locationId":1,"x":"'),
        Buffer.from(bad),
        Buffer.from('"}'),
      ]);
      expect(refusal(b)).toMatch(/not UTF-8/);
    }
  });

  it('reads the edges the refusals leave open', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const one = (text: string) => parsed(Buffer.from(text));
    expect(one(`{"locationId":1,"x":${deep(256)}}`).location).toBe(1);
    // JSON has one kind of number: a whole locationId in any notation is that integer.
    for (const id of ['12', '12.0', '1.2e1', '120E-1', '-0'])
      expect(one(`{"locationId":${id}}`).location).toBe(JSON.parse(id));
    expect(one(page(`{"timestamp":1,"x":${deep(256)}}`)).readings).toBe(1);
    expect(one(page('{"timestamp":9007199254},{"timestamp":-9007199254}')).pairs[0]!.times).toEqual(
      [9007199254, -9007199254],
    );
    // Whole times in any notation; values that underflow to zero keep their sign.
    expect(
      one(page('{"timestamp":17E8},{"timestamp":1.0},{"timestamp":-0}')).pairs[0]!.times,
    ).toEqual([1.7e9, 1, -0]);
    expect(
      one(
        page(
          '{"timestamp":1,"value":1e-400},{"timestamp":2,"value":-1e-400},{"timestamp":3,"value":-0}',
        ),
      ).pairs[0]!.values,
    ).toEqual([0, -0, -0]);
    // A lone surrogate escape is valid JSON: the id keeps it.
    expect(
      one('{"locationId":1,"parameters":[{"parameterId":"\\ud800","unitId":"\\udc00x"}]}').pairs[0],
    ).toMatchObject({ pid: '\ud800', uid: '\udc00x' });
    // parameters and readings may be null or absent; a value null or absent is NaN.
    expect(one('{"locationId":-3,"parameters":null}')).toEqual({
      location: -3,
      pairs: [],
      readings: 0,
      newestS: undefined,
    });
    expect(
      one('{"parameters":[{"unitId":"u","readings":null,"parameterId":"p"}],"locationId":0}').pairs,
    ).toEqual([{ pid: 'p', uid: 'u', times: [], values: [] }]);
    expect(one(page('{"timestamp":5},{"value":null,"timestamp":4}'))).toMatchObject({
      readings: 2,
      newestS: 5,
      pairs: [{ values: [NaN, NaN] }],
    });
  });

  it('a page refused midway keeps the readings of its parameters read before the error in `into` (the collector then fails the whole device)', () => {
    const into = new DeviceReadings();
    const text =
      '{"locationId":1,"parameters":[{"parameterId":"a","unitId":"u","readings":[{"timestamp":1,"value":2}]},{"parameterId":"b","unitId":"u","readings":[{"timestamp":2,"value":"x"}]}]}';
    expect(() => parsePage(Buffer.from(text), into, 'page 2', 'device 7')).toThrow(
      /value is not a number/,
    );
    // The first parameter was complete; the failed one's readings never joined a pair.
    expect(into.pairs.map((p) => [p.pid, [...p.times]])).toEqual([['a', [1]]]);
    expect(into.count).toBe(1);
    // The next page reads into the same readings as if nothing was left pending.
    parsePage(
      Buffer.from(page('{"timestamp":3,"value":4}').replace('"1"', '"a"').replace('"2"', '"u"')),
      into,
      'page 3',
      'device 7',
    );
    expect(into.pairs.map((p) => [p.pid, [...p.times], [...p.values]])).toEqual([
      ['a', [1, 3], [2, 4]],
    ]);
  });

  it('reads a page of 200,000 readings, and refuses one nested 10,000 deep without overflowing its stack', () => {
    const r = prng(3);
    const parts: string[] = [];
    const times: number[] = [];
    for (let p = 0; p < 4; p++) {
      const readings: string[] = [];
      for (let i = 0; i < 50_000; i++) {
        readings.push(`{"timestamp":${1_600_000_000 + i * 60},"value":${(r() * 1000).toFixed(3)}}`);
        if (p === 0) times.push(1_600_000_000 + i * 60);
      }
      parts.push(`{"parameterId":"${p}","unitId":"u","readings":[${readings.join(',')}]}`);
    }
    const text = `{"locationId":9,"parameters":[${parts.join(',')}]}`;
    const into = new DeviceReadings();
    const summary = parsePage(Buffer.from(text), into, 'page 1', 'device 7');
    expect(summary).toEqual({ location: 9, readings: 200_000, newestS: times.at(-1) });
    const want = (JSON.parse(text) as { parameters: { readings: { value: number }[] }[] })
      .parameters;
    expect(into.pairs.map((p) => p.length)).toEqual([50_000, 50_000, 50_000, 50_000]);
    into.pairs.forEach((p, i) => {
      expect([...p.times]).toEqual(times);
      expect([...p.values]).toEqual(want[i]!.readings.map((x) => x.value));
    });
    for (const open of ['[', '{"a":']) {
      const text = `{"locationId":1,"x":${open.repeat(10_000)}`;
      refusedAt(text, /nest deeper than 256/, 20 + 256 * open.length);
    }
  });
});

/** Whether an object anywhere in `v` names a key twice (JSON.parse then keeps the last). */
function hasDuplicateKeys(v: Json): boolean {
  if (v.t === 'arr') return v.items.some(hasDuplicateKeys);
  if (v.t !== 'obj') return false;
  const keys = v.members.map(([k]) => k);
  return new Set(keys).size !== keys.length || v.members.some(([, x]) => hasDuplicateKeys(x));
}
