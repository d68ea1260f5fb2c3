import { Type, type Vector } from 'apache-arrow';

const UNIT_PER_SECOND = [1n, 1_000n, 1_000_000n, 1_000_000_000n] as const;

/** A cell as text: timestamps as ISO-8601 UTC (to the stored precision), 64-bit integers exactly. */
export function cellText(vector: Vector, row: number): string {
  const value: unknown = vector.get(row);
  if (value === null || value === undefined) return 'NULL';
  if (vector.type.typeId === Type.Timestamp) return timestampText(vector, row);
  if (vector.type.typeId === Type.Date) {
    const ms = value instanceof Date ? value.getTime() : Number(value);
    return new Date(ms).toISOString().slice(0, 10);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return String(value);
}

/** Reads the raw 64-bit value, since Vector.get rounds timestamps to milliseconds. */
function timestampText(vector: Vector, row: number): string {
  let i = row;
  for (const data of vector.data) {
    if (i < data.length) {
      const raw = BigInt((data.values as BigInt64Array)[data.offset + i]!);
      const unit = data.type.unit as 0 | 1 | 2 | 3;
      return isoFromUnits(raw, UNIT_PER_SECOND[unit], unit);
    }
    i -= data.length;
  }
  return 'NULL';
}

function isoFromUnits(raw: bigint, perSecond: bigint, unit: number): string {
  let seconds = raw / perSecond;
  let frac = raw % perSecond;
  if (frac < 0n) {
    frac += perSecond;
    seconds -= 1n;
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (frac === 0n) return `${base}Z`;
  const digits = [0, 3, 6, 9][unit]!;
  return `${base}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}Z`;
}
