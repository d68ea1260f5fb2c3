import type { ColumnInfo } from '../../../shared/api';
import { isNumericType } from './column-kind';

export const MIN_WIDTH = 60;
const MAX_AUTO = 360;
/** About one character of the grid's 13 px font. */
const CHAR = 7.5;

/** A column's natural width: its name and type fit, and a typical value of its type. */
export function naturalWidth(c: ColumnInfo): number {
  const value = /TIMESTAMP/.test(c.type)
    ? 28
    : c.type === 'VARCHAR'
      ? 24
      : isNumericType(c.type)
        ? 14
        : 16;
  const chars = Math.max(c.name.length + 3, c.type.length, value);
  return Math.round(Math.min(MAX_AUTO, Math.max(MIN_WIDTH, chars * CHAR + 16)));
}

/**
 * The widths the grid draws: a width the user dragged stays as dragged; the others start at
 * their natural width and share the room left on a wide screen (so the grid is never a narrow
 * strip with two thirds of the window empty).
 */
export function layoutWidths(
  columns: ColumnInfo[],
  dragged: ReadonlyMap<string, number>,
  available: number,
): number[] {
  const natural = columns.map((c) => dragged.get(c.name) ?? naturalWidth(c));
  const total = natural.reduce((a, b) => a + b, 0);
  const free = columns.filter((c) => !dragged.has(c.name));
  if (total >= available || free.length === 0) return natural;
  const freeTotal = columns.reduce((n, c, i) => n + (dragged.has(c.name) ? 0 : natural[i]!), 0);
  const scale = (available - (total - freeTotal)) / freeTotal;
  const out = columns.map((c, i) =>
    dragged.has(c.name) ? natural[i]! : Math.floor(natural[i]! * scale),
  );
  // What rounding left goes to the last free column, so the row fills the room exactly.
  const last = columns.map((c) => dragged.has(c.name)).lastIndexOf(false);
  out[last]! += available - out.reduce((a, b) => a + b, 0);
  return out;
}
