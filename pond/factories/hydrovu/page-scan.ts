import { ErrorCode, PondError } from '../../../shared/errors.js';

/**
 * What a run needs to know of a page of readings before DuckDB parses it (once, when the device
 * is converted): how many readings it holds (to stop at max_points_per_run), which parameter and
 * unit pairs it names (the columns), and its newest time. Found by looking for the JSON keys
 * without parsing the page; DuckDB's strict parse checks the rest, and a reading whose pair this
 * scan missed fails the conversion instead of being dropped (wide-series.ts).
 */
export interface PageScan {
  /** The page's `locationId`. */
  location: number;
  readings: number;
  /** `parameterId` and `unitId` of each parameter object, in page order. */
  pairs: { pid: string; uid: string }[];
}

const TIMESTAMP = Buffer.from('"timestamp"');
/** The end every id key shares; 'I' is rare in a page, so native indexOf finds it at memchr speed. */
const ID_END = Buffer.from('Id"');
/** The keys ending in ID_END that the scan reads, by what comes before that end. */
const ID_KEYS = [
  { key: 'parameterId', head: Buffer.from('"parameter') },
  { key: 'unitId', head: Buffer.from('"unit') },
  { key: 'locationId', head: Buffer.from('"location') },
] as const;
type IdKey = (typeof ID_KEYS)[number]['key'];

export function scanPage(body: Buffer, label: string): PageScan {
  const readings = count(body, TIMESTAMP);
  const keys = idKeys(body);
  const pids = keys.parameterId.map((at) => stringValue(body, at, 'parameterId', label));
  const uids = keys.unitId.map((at) => stringValue(body, at, 'unitId', label));
  if (pids.length !== uids.length) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: a page names ${pids.length} parameterIds and ${uids.length} unitIds; each parameter needs both`,
      { input: label },
    );
  }
  return {
    location: locationOf(body, keys.locationId, label),
    readings,
    pairs: pids.map((pid, i) => ({ pid, uid: uids[i]! })),
  };
}

/**
 * Where each `"parameterId"`, `"unitId"` and `"locationId"` ends (just past its closing quote),
 * in page order: every occurrence of each, found in one pass for their shared end (three
 * searches, one a key, each read the whole page: twice the CPU of the reading count).
 */
function idKeys(body: Buffer): Record<IdKey, number[]> {
  const out: Record<IdKey, number[]> = { parameterId: [], unitId: [], locationId: [] };
  for (let at = body.indexOf(ID_END); at >= 0; at = body.indexOf(ID_END, at + ID_END.length)) {
    for (const { key, head } of ID_KEYS) {
      const start = at - head.length;
      if (start >= 0 && body.compare(head, 0, head.length, start, at) === 0) {
        out[key].push(at + ID_END.length);
        break;
      }
    }
  }
  return out;
}

/**
 * Occurrences of a key in a page (not overlapping), by Horspool's search: the page holds
 * thousands of readings, and one native indexOf call per occurrence costs more than this loop,
 * which looks at about one byte in every few (the key's length bounds the skip).
 */
function count(body: Buffer, key: Buffer): number {
  const n = key.length;
  const last = n - 1;
  const skip = new Int32Array(256).fill(n);
  for (let j = 0; j < last; j++) skip[key[j]!] = last - j;
  const final = key[last]!;
  let found = 0;
  for (let i = last; i < body.length;) {
    const b = body[i]!;
    if (b === final) {
      let j = last - 1;
      while (j >= 0 && body[i - last + j] === key[j]) j--;
      if (j < 0) {
        found++;
        i += n;
        continue;
      }
    }
    i += skip[b]!;
  }
  return found;
}

/** The newest `timestamp` value of a page (a number), or undefined when it has none. */
export function newestTime(body: Buffer): number | undefined {
  let newest: number | undefined;
  for (let at = body.indexOf(TIMESTAMP); at >= 0; at = body.indexOf(TIMESTAMP, at + 1)) {
    const m = /^\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      body.toString('latin1', at + TIMESTAMP.length, at + TIMESTAMP.length + 40),
    );
    if (m) newest = Math.max(newest ?? -Infinity, Number(m[1]));
  }
  return newest;
}

/** The page's one `locationId` (a number); `ends` are where each of its keys ends. */
function locationOf(body: Buffer, ends: number[], label: string): number {
  const at = ends[0];
  const m =
    at === undefined || ends.length > 1
      ? null
      : /^\s*:\s*(\d+)\s*[,}]/.exec(body.toString('latin1', at, at + 64));
  if (!m) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: a page does not name one locationId (a whole number)`,
      { input: label },
    );
  }
  return Number(m[1]);
}

/** The value after a key that ends at `at`, which must be a string. */
function stringValue(body: Buffer, at: number, key: string, label: string): string {
  const rest = body.toString('utf8', at, Math.min(body.length, at + 1024));
  const m = /^\s*:\s*("(?:[^"\\]|\\.)*")/.exec(rest);
  if (!m) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: "${key}" is not followed by a string: ${rest.slice(0, 40)}`,
      { input: label },
    );
  }
  return JSON.parse(m[1]!) as string;
}

/**
 * A page as one line of newline-delimited JSON: line breaks in JSON text can only be whitespace
 * between tokens (a string cannot hold a raw one), so they become spaces and the JSON means the
 * same. The page is returned as it is when it has none (HydroVu's never do).
 */
export function asOneLine(body: Buffer): Buffer {
  if (body.indexOf(10) < 0 && body.indexOf(13) < 0) return body;
  const out = Buffer.from(body);
  for (let i = 0; i < out.length; i++) if (out[i] === 10 || out[i] === 13) out[i] = 32;
  return out;
}
