import { ErrorCode, PondError } from '../../shared/errors.js';
import type { AddFile } from './actions.js';
import { timestampMicros } from './partition-values.js';
import { type DeltaType, type StructType, isPrimitive } from './schema.js';

/**
 * Per-file statistics (PROTOCOL "Per-file Statistics"): a JSON string with numRecords and, per
 * column and nested like the schema, minValues, maxValues and nullCount.
 *
 * Wrong stats make other engines skip files and return wrong rows, so we write min/max only for
 * types whose values serialize exactly (integers, floats, dates, timestamps, strings), and
 * nullCount for primitive and struct columns. Statistics come from DuckDB's COPY ... RETURN_STATS,
 * computed while the file is written.
 */

export interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
  tightBounds?: boolean;
}

/** Spark's string prefix length for min/max (DeltaSQLConf DATA_SKIPPING_STRING_PREFIX_LENGTH). */
export const STRING_PREFIX = 32;

export function parseStats(add: AddFile): FileStats | undefined {
  if (add.stats === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(add.stats);
  } catch (e) {
    throw new PondError(ErrorCode.DeltaCorrupt, `stats of ${add.path} are not valid JSON`, {
      input: add.stats,
      cause: e,
    });
  }
  if (typeof json !== 'object' || json === null) {
    throw new PondError(ErrorCode.DeltaCorrupt, `stats of ${add.path} are not a JSON object`, {
      input: add.stats,
    });
  }
  const o = json as Record<string, unknown>;
  const obj = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const stats: FileStats = {
    numRecords: typeof o['numRecords'] === 'number' ? o['numRecords'] : NaN,
    minValues: obj(o['minValues']),
    maxValues: obj(o['maxValues']),
    nullCount: obj(o['nullCount']),
  };
  if (Number.isNaN(stats.numRecords)) {
    throw new PondError(ErrorCode.DeltaCorrupt, `stats of ${add.path} have no numRecords`, {
      input: add.stats,
    });
  }
  if (typeof o['tightBounds'] === 'boolean') stats.tightBounds = o['tightBounds'];
  return stats;
}

/** DuckDB's per-leaf statistics: `"a"` or `"s"."x"` -> { min, max, null_count, ... } as text. */
export type ColumnStatistics = Map<string, Map<string, string>>;

/** Splits DuckDB's quoted leaf path `"s"."x ""y"""` into names. */
export function parseLeafPath(key: string): string[] {
  const names: string[] = [];
  const re = /"((?:[^"]|"")*)"(?:\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < key.length && (m = re.exec(key)) !== null)
    names.push(m[1]!.replaceAll('""', '"'));
  return names;
}

/** A JSON value that may hold exact 64-bit integers (written without going through a double). */
export type StatValue = number | bigint | string | StatObject;
export interface StatObject {
  [k: string]: StatValue;
}

export function buildStats(
  schema: StructType,
  partitionColumns: readonly string[],
  numRecords: number,
  columns: ColumnStatistics,
): string {
  const min: StatObject = {};
  const max: StatObject = {};
  const nulls: StatObject = {};
  const visit = (
    fields: StructType['fields'],
    path: string[],
    minO: StatObject,
    maxO: StatObject,
    nullO: StatObject,
  ) => {
    for (const f of fields) {
      if (path.length === 0 && partitionColumns.includes(f.name)) continue;
      const leaf = [...path, f.name];
      const t = f.type;
      if (!isPrimitive(t) && t.type === 'struct') {
        const a: StatObject = {};
        const b: StatObject = {};
        const c: StatObject = {};
        visit(t.fields, leaf, a, b, c);
        if (Object.keys(a).length) minO[f.name] = a;
        if (Object.keys(b).length) maxO[f.name] = b;
        if (Object.keys(c).length) nullO[f.name] = c;
        continue;
      }
      // Arrays and maps: the Parquet leaf counts null elements, not null rows; leave them out.
      if (!isPrimitive(t) && t.type !== 'decimal') continue;
      const s = columns.get(leaf.map((n) => `"${n.replaceAll('"', '""')}"`).join('.'));
      if (!s) continue;
      const nc = s.get('null_count');
      if (nc !== undefined) nullO[f.name] = Number(nc);
      const lo = s.get('min');
      const hi = s.get('max');
      if (lo === undefined || hi === undefined) continue;
      const bounds = statBounds(t, lo, hi);
      if (bounds) {
        minO[f.name] = bounds[0];
        if (bounds[1] !== undefined) maxO[f.name] = bounds[1];
      }
    }
  };
  visit(schema.fields, [], min, max, nulls);
  return jsonText({ numRecords, minValues: min, maxValues: max, nullCount: nulls });
}

/** Exact JSON bounds for DuckDB's text min/max, or undefined where none can be exact. */
function statBounds(
  t: DeltaType,
  lo: string,
  hi: string,
): [StatValue, StatValue | undefined] | undefined {
  if (!isPrimitive(t)) return undefined; // decimals: leave out rather than risk rounding
  switch (t) {
    case 'long':
      return [BigInt(lo), BigInt(hi)];
    case 'integer':
    case 'short':
    case 'byte':
      return [Number(lo), Number(hi)];
    case 'float':
    case 'double': {
      const a = Number(lo);
      const b = Number(hi);
      // NaN or infinities cannot be written as JSON numbers.
      return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : undefined;
    }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(lo) && /^\d{4}-\d{2}-\d{2}$/.test(hi)
        ? [lo, hi]
        : undefined;
    case 'timestamp': {
      const a = isoMillis(lo);
      const b = isoMillis(hi);
      return a !== undefined && b !== undefined ? [a, b] : undefined;
    }
    case 'string':
      return [truncateMin(lo), truncateMax(hi)];
    default:
      return undefined; // boolean, binary
  }
}

/** DuckDB's TIMESTAMPTZ text -> ISO-8601 UTC truncated down to milliseconds (the spec's rule). */
function isoMillis(duckText: string): string | undefined {
  let micros: bigint;
  try {
    micros = timestampMicros(duckText.replace(/\+00(:00)?$/, 'Z'), 'stats');
  } catch {
    return undefined; // e.g. years beyond 9999 or BC: no exact ISO form, so no bound
  }
  return isoMillisOf(micros);
}

/** µs since the epoch -> ISO-8601 UTC truncated down to milliseconds, if it has an exact one. */
export function isoMillisOf(micros: bigint): string | undefined {
  const floorMs = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  if (floorMs > MAX_DATE_MS || floorMs < -MAX_DATE_MS) return undefined; // beyond a JS Date
  const iso = new Date(Number(floorMs)).toISOString(); // ...ss.mmmZ; years past 9999 as +0YYYYY
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

const MAX_DATE_MS = 8_640_000_000_000_000n;

/** A prefix is a lower bound of the string. */
export function truncateMin(s: string): string {
  const cps = [...s];
  return cps.length <= STRING_PREFIX ? s : cps.slice(0, STRING_PREFIX).join('');
}

/**
 * An upper bound: the prefix followed by U+10FFFF, which sorts after every other character in
 * UTF-8 byte order (how Spark, kernel-rs and DuckDB compare strings). Undefined if the cut
 * character is itself U+10FFFF.
 */
export function truncateMax(s: string): string | undefined {
  const cps = [...s];
  if (cps.length <= STRING_PREFIX) return s;
  if (cps[STRING_PREFIX] === '\u{10FFFF}') return undefined;
  return cps.slice(0, STRING_PREFIX).join('') + '\u{10FFFF}';
}

export function jsonText(v: StatValue): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return JSON.stringify(v);
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
    .join(',')}}`;
}
