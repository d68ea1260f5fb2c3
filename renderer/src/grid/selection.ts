/** A rectangle of cells: from the anchor (click) to the focus (shift-click). */
export interface CellRange {
  anchor: { row: number; col: number };
  focus: { row: number; col: number };
}

export function bounds(r: CellRange) {
  return {
    r0: Math.min(r.anchor.row, r.focus.row),
    r1: Math.max(r.anchor.row, r.focus.row),
    c0: Math.min(r.anchor.col, r.focus.col),
    c1: Math.max(r.anchor.col, r.focus.col),
  };
}

export function inRange(r: CellRange | undefined, row: number, col: number): boolean {
  if (!r) return false;
  const b = bounds(r);
  return row >= b.r0 && row <= b.r1 && col >= b.c0 && col <= b.c1;
}

/** Rows of cells as tab-separated values; tabs and newlines inside a cell become spaces. */
export function toTsv(rows: string[][]): string {
  return rows.map((cells) => cells.map((c) => c.replace(/[\t\r\n]/g, ' ')).join('\t')).join('\n');
}

/** Copying more than this many rows is refused (the clipboard is not an export). */
export const MAX_COPY_ROWS = 100_000;
