import { isUtf8 } from 'node:buffer';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { DeviceReadings } from './device-readings.js';

/**
 * A HydroVu data page read as it arrives (client.ts documents its shape: `locationId`, then
 * `parameters`, each with `parameterId`, `unitId` and `readings` of `{timestamp, value}`), its
 * readings added to the device's (device-readings.ts). The whole page is checked as strict JSON
 * (RFC 8259, UTF-8): anything that is not, or whose known keys hold another type, fails the device
 * with the byte where it went wrong; keys the page does not document are read and left alone, as
 * a JSON reader would. Nothing is guessed: a reading with no time, a time that is not whole unix
 * seconds, a key given twice, a value out of a double's range are refused, named.
 *
 * It reads the bytes in one pass, without building JS objects (JSON.parse of a page costs several
 * times this), and turns each number into a double as JSON means it: digits that fit 2^53 over a
 * power of ten up to 10^22 are one correctly rounded division (Clinger's fast path), any other
 * number goes through Number(), which rounds correctly too.
 */
export interface PageSummary {
  /** The page's `locationId`. */
  location: number;
  /** Its readings (each `{timestamp, value}` object). */
  readings: number;
  /** Its newest time (unix s), undefined when it has no reading. */
  newestS: number | undefined;
}

/** The most nesting of arrays and objects in keys the page does not document. */
const MAX_DEPTH = 256;

/** A time in unix seconds whose microseconds a double holds exactly (years 1685 to 2255). */
const MAX_TIME_S = Math.floor(Number.MAX_SAFE_INTEGER / 1e6);

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

// The bytes the reader looks for.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

// Keys, compared as bytes when their text has no escape.
const KEYS = {
  locationId: Buffer.from('locationId'),
  parameters: Buffer.from('parameters'),
  parameterId: Buffer.from('parameterId'),
  unitId: Buffer.from('unitId'),
  readings: Buffer.from('readings'),
  timestamp: Buffer.from('timestamp'),
  value: Buffer.from('value'),
};
type Key = keyof typeof KEYS;

/** Thrown inside the reader; parsePage turns it into the device's error. */
class Unreadable extends Error {
  constructor(
    readonly why: string,
    readonly at: number,
  ) {
    super(why);
  }
}

// The reader's state: one page at a time, synchronously.
let body: Buffer = Buffer.alloc(0);
let pos = 0;
/** The number just read by `number()`. */
let numberRead = 0;

/**
 * A page's readings added to `into`. An error names the page (`where`, e.g. "page 3") and is the
 * device's (`device` names it as the error's input).
 */
export function parsePage(
  page: Buffer,
  into: DeviceReadings,
  where: string,
  device: string,
): PageSummary {
  if (!isUtf8(page)) {
    throw new PondError(
      ErrorCode.BadInput,
      `${where}: HydroVu's readings do not read: the page is not UTF-8 text; nothing was written for it`,
      { input: device },
    );
  }
  body = page;
  pos = 0;
  try {
    const summary = readPage(into);
    skipSpace();
    if (pos !== body.length) fail('more text after the page');
    return summary;
  } catch (e) {
    if (!(e instanceof Unreadable)) throw e;
    throw new PondError(
      ErrorCode.BadInput,
      `${where}: HydroVu's readings do not read: ${e.why} (byte ${e.at} of ${page.length}); nothing was written for it`,
      { input: device },
    );
  } finally {
    body = Buffer.alloc(0);
  }
}

function fail(why: string, at = pos): never {
  throw new Unreadable(why, at);
}

function readPage(into: DeviceReadings): PageSummary {
  let location: number | undefined;
  let sawParameters = false;
  const summary = { readings: 0, newestS: undefined as number | undefined };
  skipSpace();
  expect(OPEN_BRACE, 'the page is not a JSON object');
  readMembers((key) => {
    if (key === 'locationId') {
      if (location !== undefined) fail('the page names locationId twice');
      skipSpace();
      const at = pos;
      // JSON has one kind of number: 1.0 and 1e0 are the integer 1 (as for timestamps).
      if (!number() || !Number.isSafeInteger(numberRead))
        fail('locationId is not a whole number', at);
      location = numberRead;
    } else if (key === 'parameters') {
      if (sawParameters) fail('the page names parameters twice');
      sawParameters = true;
      readParameters(into, summary);
    } else {
      skipValue(0);
    }
  });
  if (location === undefined) fail('the page names no locationId');
  return { location, ...summary };
}

/** `parameters`: null (none) or a list of parameter objects. */
function readParameters(
  into: DeviceReadings,
  summary: { readings: number; newestS: number | undefined },
): void {
  skipSpace();
  if (literal('null')) return;
  expect(OPEN_BRACKET, 'parameters is not a list');
  readElements(() => {
    const start = pos;
    expect(OPEN_BRACE, 'a parameter is not an object');
    let pid: string | undefined;
    let uid: string | undefined;
    let sawReadings = false;
    into.startParameter();
    readMembers((key) => {
      if (key === 'parameterId' || key === 'unitId') {
        if ((key === 'parameterId' ? pid : uid) !== undefined)
          fail(`a parameter names ${key} twice`);
        skipSpace();
        const at = pos;
        if (body[pos] !== QUOTE) fail(`${key} is not a string`, at);
        const id = string();
        if (key === 'parameterId') pid = id;
        else uid = id;
      } else if (key === 'readings') {
        if (sawReadings) fail('a parameter names readings twice');
        sawReadings = true;
        readReadings(into, summary);
      } else {
        skipValue(0);
      }
    });
    if (pid === undefined) fail('a parameter has no parameterId', start);
    if (uid === undefined) fail('a parameter has no unitId', start);
    into.endParameter(pid, uid);
  });
}

/** `readings`: null (none) or a list of `{timestamp, value}`. */
function readReadings(
  into: DeviceReadings,
  summary: { readings: number; newestS: number | undefined },
): void {
  skipSpace();
  if (literal('null')) return;
  expect(OPEN_BRACKET, 'readings is not a list');
  skipSpace();
  if (body[pos] === CLOSE_BRACKET) {
    pos++;
    return;
  }
  // The page's bulk, written out with the page and the place in locals (a module variable costs a
  // load and a store each byte in code V8 has not optimized yet, most of a one-second run).
  const b = body;
  let i = pos;
  let count = 0;
  let newest = summary.newestS ?? -Infinity;
  for (;;) {
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    const start = i;
    if (c !== OPEN_BRACE) {
      pos = i;
      fail(c === undefined ? 'the page ends early' : 'a reading is not an object');
    }
    let time = NaN;
    let value = NaN;
    let sawTime = false;
    let sawValue = false;
    c = b[++i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c === CLOSE_BRACE) i++;
    else {
      for (;;) {
        if (c !== QUOTE) {
          pos = i;
          fail('expected a key');
        }
        // "timestamp" and "value" as bytes; any other key (or one with an escape) the long way.
        let key: Key | undefined;
        if (isTimestampKey(b, i)) {
          key = 'timestamp';
          i += 11;
        } else if (isValueKey(b, i)) {
          key = 'value';
          i += 7;
        } else {
          pos = i;
          key = knownKey();
          i = pos;
        }
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        if (c !== COLON) {
          pos = i;
          fail("expected ':' after a key");
        }
        c = b[++i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        const at = i;
        if (key === 'timestamp' || key === 'value') {
          // One place reads both numbers: V8 compiles the number reader into this loop once.
          const isTime = key === 'timestamp';
          if (isTime ? sawTime : sawValue) fail(`a reading names ${key} twice`, at);
          const end = isNull(b, i) ? -2 : numberAt(b, i);
          if (end === -1) fail(`a ${key} is not a number`, at);
          if (isTime) {
            if (end === -2) fail('a reading has no timestamp', at);
            if (!Number.isInteger(numberRead)) fail('a timestamp is not whole unix seconds', at);
            if (Math.abs(numberRead) > MAX_TIME_S)
              fail(`a timestamp (${numberRead}) is outside the years 1685 to 2255`, at);
            time = numberRead;
            sawTime = true;
          } else {
            if (end !== -2 && !Number.isFinite(numberRead))
              fail('a value is out of the range of a double', at);
            value = end === -2 ? NaN : numberRead;
            sawValue = true;
          }
          i = end === -2 ? i + 4 : end;
        } else {
          pos = i;
          skipValue(0);
          i = pos;
        }
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        i++;
        if (c === CLOSE_BRACE) break;
        if (c !== COMMA) fail("expected ',' or '}' in an object", i - 1);
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
      }
    }
    if (!sawTime) fail('a reading has no timestamp', start);
    // NaN is a null value (JSON has no NaN): see device-readings.ts.
    into.add(time, value);
    count++;
    if (time > newest) newest = time;
    c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    i++;
    if (c === CLOSE_BRACKET) break;
    if (c !== COMMA) fail("expected ',' or ']' in a list", i - 1);
  }
  pos = i;
  summary.readings += count;
  if (count > 0) summary.newestS = newest;
}

/**
 * `"timestamp"` at `i`. This and isValueKey are written out byte by byte: a loop over the key's
 * bytes (as knownKey's) made reading a page about a fifth slower.
 */
function isTimestampKey(b: Buffer, i: number): boolean {
  return (
    b[i + 1] === 0x74 &&
    b[i + 2] === 0x69 &&
    b[i + 3] === 0x6d &&
    b[i + 4] === 0x65 &&
    b[i + 5] === 0x73 &&
    b[i + 6] === 0x74 &&
    b[i + 7] === 0x61 &&
    b[i + 8] === 0x6d &&
    b[i + 9] === 0x70 &&
    b[i + 10] === QUOTE
  );
}

/** `"value"` at `i`. */
function isValueKey(b: Buffer, i: number): boolean {
  return (
    b[i + 1] === 0x76 &&
    b[i + 2] === 0x61 &&
    b[i + 3] === 0x6c &&
    b[i + 4] === 0x75 &&
    b[i + 5] === 0x65 &&
    b[i + 6] === QUOTE
  );
}

/** `null` at `i`, as a whole word. */
function isNull(b: Buffer, i: number): boolean {
  return (
    b[i] === 0x6e &&
    b[i + 1] === 0x75 &&
    b[i + 2] === 0x6c &&
    b[i + 3] === 0x6c &&
    !isWordByte(b[i + 4])
  );
}

/** An object's members after its `{`, through its `}`: `member` reads each value. */
function readMembers(member: (key: Key | undefined) => void): void {
  skipSpace();
  if (body[pos] === CLOSE_BRACE) {
    pos++;
    return;
  }
  for (;;) {
    skipSpace();
    if (body[pos] !== QUOTE) fail('expected a key');
    const key = knownKey();
    skipSpace();
    expect(COLON, "expected ':' after a key");
    member(key);
    skipSpace();
    const c = body[pos++];
    if (c === CLOSE_BRACE) return;
    if (c !== COMMA) fail("expected ',' or '}' in an object", pos - 1);
  }
}

/** An array's elements after its `[`, through its `]`: `element` reads each. */
function readElements(element: () => void): void {
  skipSpace();
  if (body[pos] === CLOSE_BRACKET) {
    pos++;
    return;
  }
  for (;;) {
    skipSpace();
    element();
    skipSpace();
    const c = body[pos++];
    if (c === CLOSE_BRACKET) return;
    if (c !== COMMA) fail("expected ',' or ']' in a list", pos - 1);
  }
}

/** The key at `pos` (a string), as one of KEYS or undefined for any other. */
function knownKey(): Key | undefined {
  const start = pos + 1;
  const end = stringEnd();
  for (let i = start; i < end; i++) {
    if (body[i] === BACKSLASH) {
      const text = JSON.parse(body.toString('utf8', start - 1, end + 1)) as string;
      return Object.hasOwn(KEYS, text) ? (text as Key) : undefined;
    }
  }
  // By length first (only locationId and parameters share one), then byte by byte in JS: a
  // native compare a key would cost more than the key.
  switch (end - start) {
    case 9:
      return same(KEYS.timestamp, start) ? 'timestamp' : undefined;
    case 5:
      return same(KEYS.value, start) ? 'value' : undefined;
    case 10:
      return same(KEYS.locationId, start)
        ? 'locationId'
        : same(KEYS.parameters, start)
          ? 'parameters'
          : undefined;
    case 11:
      return same(KEYS.parameterId, start) ? 'parameterId' : undefined;
    case 6:
      return same(KEYS.unitId, start) ? 'unitId' : undefined;
    case 8:
      return same(KEYS.readings, start) ? 'readings' : undefined;
    default:
      return undefined;
  }
}

/** Whether the page holds `key`'s bytes at `at`. */
function same(key: Buffer, at: number): boolean {
  for (let j = 0; j < key.length; j++) if (body[at + j] !== key[j]) return false;
  return true;
}

/** The string at `pos`, decoded; `pos` moves past it. */
function string(): string {
  const start = pos;
  const end = stringEnd();
  for (let i = start + 1; i < end; i++) {
    if (body[i] === BACKSLASH) return JSON.parse(body.toString('utf8', start, end + 1)) as string;
  }
  return body.toString('utf8', start + 1, end);
}

/**
 * Checks the string starting at `pos` (its opening quote), leaves `pos` past its closing quote and
 * returns where that quote is. JSON strings hold no raw control character, and each escape is one
 * of JSON's.
 */
function stringEnd(): number {
  let i = pos + 1;
  for (;;) {
    const c = body[i];
    if (c === undefined) fail('a string is not closed', pos);
    if (c === QUOTE) break;
    if (c < 0x20) fail('a string holds a raw control character', i);
    if (c === BACKSLASH) {
      const e = body[i + 1];
      if (e === 0x75) {
        for (let h = i + 2; h < i + 6; h++)
          if (!isHex(body[h])) fail('a \\u escape is not 4 hex digits', i);
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e !== QUOTE &&
        e !== BACKSLASH &&
        e !== 0x2f &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      )
        fail('a string holds an escape JSON does not have', i);
      i += 2;
      continue;
    }
    i++;
  }
  pos = i + 1;
  return i;
}

function isHex(c: number | undefined): boolean {
  return (
    c !== undefined &&
    ((c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))
  );
}

/**
 * A JSON number at `pos` into `numberRead` (see numberAt); false, with `pos` unmoved, when none
 * starts there.
 */
function number(): boolean {
  const end = numberAt(body, pos);
  if (end < 0) return false;
  pos = end;
  return true;
}

/**
 * The JSON number at `i` of `b` into `numberRead`; returns where it ends, or -1 when no number
 * starts there.
 */
function numberAt(b: Buffer, i: number): number {
  const start = i;
  let c = b[i]!;
  const negative = c === MINUS;
  if (negative) c = b[++i]!;
  let digits = 0;
  let mantissa = 0;
  if (c === ZERO) {
    c = b[++i]!;
  } else if (c > ZERO && c <= NINE) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = b[++i]!;
    } while (c >= ZERO && c <= NINE);
  } else {
    if (negative) fail('a number has no digits after its minus sign', i);
    return -1;
  }
  if (c >= ZERO && c <= NINE) fail('a number starts with a 0 and more digits', start);
  let decimals = 0;
  if (c === DOT) {
    c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) fail('a number has no digits after its point', i);
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      decimals++;
      c = b[++i]!;
    } while (c >= ZERO && c <= NINE);
  }
  let exponent = false;
  if (c === LOWER_E || c === UPPER_E) {
    exponent = true;
    c = b[++i]!;
    if (c === PLUS || c === MINUS) c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) fail('a number has no digits in its exponent', i);
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  }
  if (isWordByte(c)) fail('a number runs into other text', start);
  if (exponent || digits > 15 || decimals > 22) {
    // Past the fast path (15 digits are always below 2^53): Number() rounds the text correctly.
    numberRead = Number(b.toString('latin1', start, i));
  } else {
    const magnitude = decimals === 0 ? mantissa : mantissa / POWERS_OF_TEN[decimals]!;
    numberRead = negative ? -magnitude : magnitude;
  }
  return i;
}

/** A byte that would continue a word or number: a letter, a digit, '.', '+', '-'. */
function isWordByte(c: number | undefined): boolean {
  return (
    c !== undefined &&
    ((c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= ZERO && c <= NINE) ||
      c === DOT ||
      c === PLUS ||
      c === MINUS)
  );
}

/** Any JSON value at `pos`, checked and passed over. */
function skipValue(depth: number): void {
  skipSpace();
  const c = body[pos];
  if (c === QUOTE) {
    stringEnd();
  } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (depth >= MAX_DEPTH) fail(`values nest deeper than ${MAX_DEPTH}`);
    pos++;
    if (c === OPEN_BRACE) readMembers(() => skipValue(depth + 1));
    else readElements(() => skipValue(depth + 1));
  } else if (!literal('true') && !literal('false') && !literal('null') && !number()) {
    fail(c === undefined ? 'the page ends early' : 'expected a JSON value');
  }
}

/** Whether `word` (true, false, null) is at `pos`; `pos` moves past it when it is. */
function literal(word: 'true' | 'false' | 'null'): boolean {
  for (let j = 0; j < word.length; j++) if (body[pos + j] !== word.charCodeAt(j)) return false;
  // "nullx" is not null followed by something: the next byte must end the word.
  if (isWordByte(body[pos + word.length])) return false;
  pos += word.length;
  return true;
}

function expect(c: number, why: string): void {
  if (body[pos] !== c) fail(body[pos] === undefined ? 'the page ends early' : why);
  pos++;
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipSpace(): void {
  let c = body[pos];
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = body[++pos];
}
