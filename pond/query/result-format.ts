/**
 * Values as they are printed: times as ISO-8601 (UTC with `Z` for TIMESTAMPTZ), everything
 * else in DuckDB's JSON-friendly text form. Output never depends on the machine's time zone.
 */
export type CellValue = string | number | boolean | null | CellValue[] | { [k: string]: CellValue };

const INTEGER_TYPES = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

/** Converts a value from DuckDB's `Json` conversion for a column of the given type. */
export function formatCell(value: unknown, type: string): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (type === 'TIMESTAMP WITH TIME ZONE') return isoUtc(value);
    // 64-bit integers arrive as text; print them as numbers when that loses nothing.
    if (INTEGER_TYPES.has(type) && Number.isSafeInteger(Number(value))) return Number(value);
    if (type.startsWith('TIMESTAMP')) return value.replace(' ', 'T');
    return value;
  }
  return value as CellValue;
}

/** '2024-01-01 00:00:00.5+00' -> '2024-01-01T00:00:00.5Z' (the session zone is always UTC). */
export function isoUtc(s: string): string {
  return s.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
}

/** Text of a cell for table and CSV output. */
export function cellText(v: CellValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
