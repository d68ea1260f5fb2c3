import { ErrorCode, PondError } from '../../shared/errors.js';
import { literal } from '../duckdb/sql.js';
import { type DeltaType, duckdbType, isPrimitive, typeName } from './schema.js';

/**
 * Partition values are strings in the log (PROTOCOL "Partition Value Serialization"): numbers in
 * Java `toString` form, dates `yyyy-mm-dd`, timestamps `yyyy-mm-dd hh:mm:ss[.ffffff]` or ISO-8601
 * UTC, booleans `true`/`false`, binary as the string of its bytes. `null` and `""` are null.
 */

export type PartitionValue = string | number | bigint | boolean | Date | Uint8Array | null;

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Spark's local form, or ISO-8601 with a zone; a value without a zone is read as UTC.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const INT_RANGES: Record<string, [number, number]> = {
  integer: [-2147483648, 2147483647],
  short: [-32768, 32767],
  byte: [-128, 127],
};

function bad(column: string, type: DeltaType, raw: string): PondError {
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `partition value '${raw}' of column '${column}' is not a valid ${typeName(type)}`,
    { input: raw },
  );
}

/** Epoch ms of a UTC calendar time; NaN when a field is out of range (no rollover). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // unlike Date.UTC, years 0-99 stay themselves
  date.setUTCHours(h, mi, s, 0);
  return date.getUTCDate() === d ? date.getTime() : NaN;
}

/** Microseconds since the epoch of a serialized timestamp partition value. */
export function timestampMicros(raw: string, column: string): bigint {
  const m = TIMESTAMP.exec(raw);
  if (!m) throw bad(column, 'timestamp', raw);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = utcMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) throw bad(column, 'timestamp', raw);
  let micros = BigInt(ms) * 1000n + BigInt((frac ?? '').padEnd(6, '0').slice(0, 6));
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
    micros -= sign * offsetMin * 60_000_000n;
  }
  return micros;
}

/** A partition value decoded into a JS value by its schema type. */
export function parsePartitionValue(
  type: DeltaType,
  raw: string | null | undefined,
  column: string,
): PartitionValue {
  if (raw == null || raw === '') return null;
  if (!isPrimitive(type)) {
    if (type.type === 'decimal') {
      if (!DECIMAL.test(raw)) throw bad(column, type, raw);
      return raw; // exact: a JS number would round
    }
    throw unsupportedType(column, type);
  }
  switch (type) {
    case 'string':
      return raw;
    case 'long':
      if (!INT.test(raw)) throw bad(column, type, raw);
      return BigInt(raw);
    case 'integer':
    case 'short':
    case 'byte': {
      const n = Number(raw);
      const [lo, hi] = INT_RANGES[type]!;
      if (!INT.test(raw) || n < lo || n > hi) throw bad(column, type, raw);
      return n;
    }
    case 'float':
    case 'double': {
      const n = Number(raw);
      if (Number.isNaN(n) && raw !== 'NaN') throw bad(column, type, raw);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad(column, type, raw);
      return raw === 'true';
    case 'binary':
      return new Uint8Array(Buffer.from(raw, 'utf8'));
    case 'date': {
      const m = DATE.exec(raw);
      const ms = m ? utcMs(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0) : NaN;
      if (Number.isNaN(ms)) throw bad(column, type, raw);
      return new Date(ms);
    }
    case 'timestamp':
      return new Date(Number(timestampMicros(raw, column) / 1000n));
  }
}

/** The SQL expression of a partition value, typed like the column. */
export function partitionValueSql(
  type: DeltaType,
  raw: string | null | undefined,
  column: string,
): string {
  const duck = duckdbType(type);
  if (raw == null || raw === '') return `CAST(NULL AS ${duck})`;
  const v = parsePartitionValue(type, raw, column); // validates before anything reaches SQL
  if (type === 'binary') return `encode(${literal(raw)})`;
  if (type === 'timestamp') return `make_timestamptz(${timestampMicros(raw, column)})`;
  if (type === 'boolean') return v ? 'true' : 'false';
  if (type === 'float' || type === 'double') {
    const n = v as number;
    const text = Number.isNaN(n) ? 'nan' : n === Infinity ? 'inf' : n === -Infinity ? '-inf' : raw;
    return `CAST(${literal(text)} AS ${duck})`;
  }
  return `CAST(${literal(raw)} AS ${duck})`;
}

/** A comparable form of a partition value: equal values of any spelling compare equal. */
export function canonicalPartitionValue(
  type: DeltaType,
  raw: string | null | undefined,
  column: string,
): string | null {
  const v = parsePartitionValue(type, raw, column);
  if (v === null) return null;
  if (v instanceof Date)
    return String(type === 'timestamp' ? timestampMicros(raw!, column) : v.getTime());
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'string' && !isPrimitive(type)) return normalizeDecimal(v);
  return String(v);
}

function normalizeDecimal(s: string): string {
  // Compare decimals by value: 1.50 == 1.5 == 15E-1.
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s)!;
  const sign = m[1] === '-' ? '-' : '';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? '0') - (m[3] ?? '').length;
  digits = digits.replace(/^0+/, '');
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp++;
  }
  return digits === '' ? '0' : `${sign}${digits}e${exp}`;
}

/** Types we write as partition columns: those whose text form round-trips exactly. */
export function checkWritablePartitionType(type: DeltaType, column: string): void {
  const ok =
    (!isPrimitive(type) && type.type === 'decimal') ||
    (isPrimitive(type) && !['float', 'double', 'binary'].includes(type));
  if (!ok) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `partition column '${column}' has type ${typeName(type)}; only string, integer, boolean, ` +
        `date, timestamp and decimal columns can be partition columns`,
      { input: column },
    );
  }
}

/**
 * The log form of a partition value that DuckDB's COPY ... PARTITION_BY reported as text
 * (its VARCHAR cast, with TimeZone=UTC).
 */
export function serializePartitionValue(
  type: DeltaType,
  duckText: string | null,
  column: string,
): string | null {
  if (duckText === null) return null;
  if (duckText === '') {
    // The protocol reads "" as null, so writing it would silently change the data.
    throw new PondError(
      ErrorCode.InvalidArgument,
      `partition column '${column}' has an empty string value, which Delta reads as null`,
      { input: column },
    );
  }
  if (type === 'timestamp') {
    // '2024-01-01 10:00:00.123456+00' -> '2024-01-01T10:00:00.123456Z'
    const micros = timestampMicros(duckText.replace(/\+00(:00)?$/, 'Z'), column);
    return isoMicros(micros);
  }
  parsePartitionValue(type, duckText, column); // validates the text is in the protocol's form
  return duckText;
}

/** ISO-8601 UTC with microseconds: 1970-01-01T00:00:00.123456Z. */
export function isoMicros(micros: bigint): string {
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // ...ss.mmmZ
  return `${iso.slice(0, -1)}${rest.toString().padStart(3, '0')}Z`;
}

function unsupportedType(column: string, type: DeltaType): PondError {
  return new PondError(
    ErrorCode.DeltaUnsupported,
    `partition column '${column}' has type ${typeName(type)}, which cannot be a partition column`,
    { input: column },
  );
}
