/**
 * For the HydroVu page reader's tests (hydrovu-page-parse.test.ts): random JSON written every way
 * RFC 8259 allows, a reader of valid JSON that keeps duplicate keys, and the reference extractor
 * (the spec page-parse.ts is held to) over what that reader gives.
 */

/** A JSON value as written: numbers keep their text, objects their member order and duplicates. */
export type Json =
  | { t: 'num'; text: string }
  | { t: 'str'; s: string }
  | { t: 'lit'; v: 'true' | 'false' | 'null' }
  | { t: 'arr'; items: Json[] }
  | { t: 'obj'; members: [string, Json][] };

export const num = (text: string): Json => ({ t: 'num', text });
export const str = (s: string): Json => ({ t: 'str', s });
export const NULL: Json = { t: 'lit', v: 'null' };
export const obj = (...members: [string, Json][]): Json => ({ t: 'obj', members });
export const arr = (...items: Json[]): Json => ({ t: 'arr', items });

export type Rand = () => number;
export const int = (r: Rand, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const SPACE = [' ', '\t', '\r', '\n'];

/** Random JSON whitespace (often none). */
function ws(r: Rand): string {
  if (r() < 0.5) return '';
  let s = '';
  for (let n = 1 + int(r, 4); n > 0; n--) s += pick(r, SPACE);
  return s;
}

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A string literal with each code unit written raw, as a short escape or as \uXXXX at random. */
export function writeString(s: string, r: Rand): string {
  // Half the strings are written plainly (the reader compares plain keys as bytes).
  const escapes = r() < 0.5 ? 1 : 0;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = ch.charCodeAt(0);
    const must = ch === '"' || ch === '\\' || code < 0x20;
    const low = s.charCodeAt(i + 1);
    const pair = code >= 0xd800 && code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
    const roll = escapes ? r() : 0.5 + r() / 2;
    if (roll < 0.25 || (must && roll < 0.6)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
      if (r() < 0.5) out = out.slice(0, -4) + out.slice(-4).toUpperCase();
    } else if (SHORT[ch] !== undefined && (must || roll < 0.4)) {
      out += SHORT[ch];
    } else if (must) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (pair) {
      out += ch + s[++i]!; // a surrogate pair written raw is its character's UTF-8
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `\\u${code.toString(16)}`; // a lone surrogate can only be an escape
    } else out += ch;
  }
  return `${out}"`;
}

/** The JSON text of `v`, with random whitespace (where JSON allows it) and escapes. */
export function write(v: Json, r: Rand): string {
  switch (v.t) {
    case 'num':
      return v.text;
    case 'str':
      return writeString(v.s, r);
    case 'lit':
      return v.v;
    case 'arr':
      return v.items.length === 0
        ? `[${ws(r)}]`
        : `[${v.items.map((x) => ws(r) + write(x, r) + ws(r)).join(',')}]`;
    case 'obj':
      return v.members.length === 0
        ? `{${ws(r)}}`
        : `{${v.members.map(([k, x]) => `${ws(r)}${writeString(k, r)}${ws(r)}:${ws(r)}${write(x, r)}${ws(r)}`).join(',')}}`;
  }
}

/** A random decimal number's text, of every JSON form; finite when `finite`. */
export function numberText(r: Rand, finite = true): string {
  for (;;) {
    const special = [
      '0',
      '-0',
      '0.0',
      '-0.0',
      '0e0',
      '-0E-0',
      '5e-324',
      '-5e-324',
      '2.4703282292062327e-324',
      '1.7976931348623157e308',
      '2.2250738585072014e-308',
      '9007199254740993',
      '9007199254740992.5',
      '1e22',
      '1e23',
      '10000000000000000000000',
      '100000000000000000000000',
      '123456789012345',
      '1234567890123456',
      '0.000000000000001',
      '8.98846567431158e307',
      '4.35',
      '0.1',
      '0.3',
    ];
    if (r() < 0.08) return pick(r, special);
    const digits = (n: number) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(int(r, 10));
      return s;
    };
    const lengths = [1, 2, 5, 14, 15, 16, 17, 20, 23, 30];
    let text = r() < 0.3 ? '-' : '';
    text += r() < 0.25 ? '0' : String(1 + int(r, 9)) + digits(pick(r, lengths) - 1);
    if (r() < 0.6) text += `.${digits(pick(r, lengths))}`;
    if (r() < 0.4) {
      text += pick(r, ['e', 'E']) + pick(r, ['', '+', '-']);
      text += String(r() < 0.5 ? int(r, 25) : int(r, 340)).padStart(1 + int(r, 3), '0');
    }
    if (!finite || Number.isFinite(Number(text))) return text;
  }
}

/** Any random JSON value, `depth` levels at most. */
export function randomValue(r: Rand, depth: number): Json {
  const roll = int(r, depth > 0 ? 7 : 5);
  switch (roll) {
    case 0:
      return num(numberText(r));
    case 1:
      return str(randomText(r));
    case 2:
      return { t: 'lit', v: pick(r, ['true', 'false', 'null'] as const) };
    case 3:
    case 4:
      return pick(r, [num('1'), str(''), NULL, arr(), obj()]);
    case 5:
      return arr(...Array.from({ length: int(r, 4) }, () => randomValue(r, depth - 1)));
    default:
      return obj(
        ...Array.from(
          { length: int(r, 4) },
          () => [randomKey(r), randomValue(r, depth - 1)] as [string, Json],
        ),
      );
  }
}

/** Text of every kind: ASCII, quotes, backslashes, controls, accents, CJK, emoji, lone surrogates. */
export function randomText(r: Rand): string {
  const pieces = [
    'a',
    'Z',
    '7',
    ' ',
    '"',
    '\\',
    '/',
    '\b',
    '\f',
    '\n',
    '\r',
    '\t',
    '\u0000',
    '\u001f',
    '\u007f',
    'é',
    'ü',
    'Ω',
    '水',
    '温度',
    '\u2028',
    '\u2029',
    '😀',
    '\ud83c\udf0a',
    '\ufeff',
    '\ud800',
    '\udfff',
  ];
  let s = '';
  for (let n = int(r, 8); n > 0; n--) s += pick(r, pieces);
  return s;
}

/** A key the page does not document, sometimes one letter off a documented one. */
export function randomKey(r: Rand): string {
  return r() < 0.3
    ? pick(r, ['timestamps', 'Value', 'valu', 'unitID', 'parameter', 'reading', 'location_id', ''])
    : randomText(r);
}

/**
 * A reader of text JSON.parse accepts, keeping every member of an object in order (duplicates
 * too): numbers as JSON.parse reads them, strings decoded by JSON.parse.
 */
export function readJson(text: string): Json {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const stringAt = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): Json => {
    space();
    const c = text[i]!;
    if (c === '"') return str(stringAt());
    if (c === '{' || c === '[') {
      i++;
      const out: Json = c === '{' ? obj() : arr();
      space();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        return out;
      }
      for (;;) {
        if (out.t === 'obj') {
          space();
          const key = stringAt();
          space();
          i++; // ':'
          out.members.push([key, value()]);
        } else if (out.t === 'arr') out.items.push(value());
        space();
        if (text[i++] !== ',') return out;
      }
    }
    for (const v of ['true', 'false', 'null'] as const) {
      if (text.startsWith(v, i)) {
        i += v.length;
        return { t: 'lit', v };
      }
    }
    const start = i;
    while (i < text.length && /[-+.eE0-9]/.test(text[i]!)) i++;
    return num(text.slice(start, i));
  };
  return value();
}

/** `v` as JSON.parse gives it (the last of a duplicate key wins). */
export function toPlain(v: Json): unknown {
  switch (v.t) {
    case 'num':
      return Number(v.text);
    case 'str':
      return v.s;
    case 'lit':
      return v.v === 'null' ? null : v.v === 'true';
    case 'arr':
      return v.items.map(toPlain);
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of v.members) {
        if (k === '__proto__')
          Object.defineProperty(out, k, {
            value: toPlain(x),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[k] = toPlain(x);
      }
      return out;
    }
  }
}

/** What a page must give: its pairs (in the order first seen), counts and newest time. */
export interface Extracted {
  location: number;
  pairs: { pid: string; uid: string; times: number[]; values: number[] }[];
  readings: number;
  newestS: number | undefined;
}

const MAX_TIME_S = 9007199254;
const MAX_DEPTH = 256;

class Violation extends Error {}
const violate = (why: string): never => {
  throw new Violation(why);
};

/** How deep arrays and objects nest in `v` (a scalar is 0). */
function nesting(v: Json): number {
  let most = 0;
  if (v.t === 'arr') for (const x of v.items) most = Math.max(most, nesting(x));
  if (v.t === 'obj') for (const [, x] of v.members) most = Math.max(most, nesting(x));
  return v.t === 'arr' || v.t === 'obj' ? most + 1 : 0;
}

/** The members of `o` named by `known`, each at most once; any other member nests <= 256. */
function members(o: Json, known: readonly string[], what: string): Map<string, Json> {
  if (o.t !== 'obj') return violate(`${what} is not an object`);
  const out = new Map<string, Json>();
  for (const [k, v] of o.members) {
    if (known.includes(k)) {
      if (out.has(k)) violate(`${what} names ${k} twice`);
      out.set(k, v);
    } else if (nesting(v) > MAX_DEPTH) violate('nests too deep');
  }
  return out;
}

/**
 * The spec: what parsePage must give for a page JSON.parse accepts, or the reason the documented
 * shape refuses it (a string).
 */
export function extract(page: Json): Extracted | string {
  try {
    return extractOrThrow(page);
  } catch (e) {
    if (e instanceof Violation) return e.message;
    throw e;
  }
}

function extractOrThrow(page: Json): Extracted {
  const top = members(page, ['locationId', 'parameters'], 'the page');
  const loc = top.get('locationId');
  if (loc === undefined) violate('no locationId');
  if (loc!.t !== 'num' || !Number.isSafeInteger(Number(loc!.text)))
    violate('locationId is not an integer');
  const out: Extracted = {
    location: Number((loc as { text: string }).text),
    pairs: [],
    readings: 0,
    newestS: undefined,
  };
  const params = top.get('parameters');
  if (params === undefined || (params.t === 'lit' && params.v === 'null')) return out;
  if (params.t !== 'arr') return violate('parameters is not a list');
  for (const p of params.items) {
    const m = members(p, ['parameterId', 'unitId', 'readings'], 'a parameter');
    const pid = m.get('parameterId');
    const uid = m.get('unitId');
    if (pid?.t !== 'str' || uid?.t !== 'str') return violate('ids are missing or not strings');
    const times: number[] = [];
    const values: number[] = [];
    const readings = m.get('readings');
    if (readings !== undefined && !(readings.t === 'lit' && readings.v === 'null')) {
      if (readings.t !== 'arr') return violate('readings is not a list');
      for (const reading of readings.items) {
        const rm = members(reading, ['timestamp', 'value'], 'a reading');
        const t = rm.get('timestamp');
        if (t === undefined || t.t !== 'num') return violate('no numeric timestamp');
        const time = Number(t.text);
        if (!Number.isInteger(time) || Math.abs(time) > MAX_TIME_S) violate('bad timestamp');
        const v = rm.get('value');
        let value = NaN;
        if (v !== undefined && !(v.t === 'lit' && v.v === 'null')) {
          if (v.t !== 'num') return violate('value is not a number');
          value = Number(v.text);
          if (!Number.isFinite(value)) violate('value out of range');
        }
        times.push(time);
        values.push(value);
        if (out.newestS === undefined || time > out.newestS) out.newestS = time;
      }
    }
    let pair = out.pairs.find((x) => x.pid === pid.s && x.uid === uid.s);
    if (!pair) out.pairs.push((pair = { pid: pid.s, uid: uid.s, times: [], values: [] }));
    pair.times.push(...times);
    pair.values.push(...values);
    out.readings += times.length;
  }
  return out;
}

/** A random page of the documented shape, with unknown keys, random key order and ids. */
export function randomPage(r: Rand, maxReadings = 12): Json {
  const ids = ['1', '2', 'temp\u00e9', 'Ω', '😀', 'a"b', 'x\\y', '\u0000', 'a\u0000b', ''];
  const extra = (): [string, Json][] =>
    r() < 0.5 ? [] : Array.from({ length: 1 + int(r, 2) }, () => [randomKey(r), randomValue(r, 3)]);
  const shuffle = (ms: [string, Json][]): Json => {
    for (let i = ms.length - 1; i > 0; i--) {
      const j = int(r, i + 1);
      [ms[i], ms[j]] = [ms[j]!, ms[i]!];
    }
    return obj(...ms);
  };
  const time = (): Json => {
    const t = int(r, 2 * MAX_TIME_S + 1) - MAX_TIME_S;
    const roll = r();
    if (roll < 0.05) return num(pick(r, ['0', '-0', String(MAX_TIME_S), String(-MAX_TIME_S)]));
    if (roll < 0.1) return num(`${t}.000`);
    if (roll < 0.15 && t !== 0) return num(`${t}0e-1`);
    return num(String(r() < 0.7 ? 1_700_000_000 + int(r, 1000) * 60 : t));
  };
  const reading = (): Json => {
    const ms: [string, Json][] = [['timestamp', time()]];
    const roll = r();
    if (roll < 0.8) ms.push(['value', num(numberText(r))]);
    else if (roll < 0.9) ms.push(['value', NULL]);
    return shuffle([...ms, ...extra()]);
  };
  const parameter = (): Json => {
    const ms: [string, Json][] = [
      ['parameterId', str(pick(r, ids))],
      ['unitId', str(pick(r, ids))],
    ];
    const roll = r();
    if (roll < 0.85)
      ms.push(['readings', arr(...Array.from({ length: int(r, maxReadings + 1) }, reading))]);
    else if (roll < 0.92) ms.push(['readings', NULL]);
    return shuffle([...ms, ...extra()]);
  };
  const id = String(pick(r, [0, 1, 42, -7, Number.MAX_SAFE_INTEGER, int(r, 1e9)]));
  const ms: [string, Json][] = [
    [
      'locationId',
      num(r() < 0.9 ? id : pick(r, [`${id}.0`, `${id}e0`, id === '0' ? '0E-1' : `${id}0E-1`])),
    ],
  ];
  const roll = r();
  if (roll < 0.9) ms.push(['parameters', arr(...Array.from({ length: int(r, 5) }, parameter))]);
  else if (roll < 0.95) ms.push(['parameters', NULL]);
  return shuffle([...ms, ...extra()]);
}
