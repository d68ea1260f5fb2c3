/**
 * Maps a scroll position to rows. Browsers cap an element's height (Chromium near 33M px,
 * Firefox near 17M), so a 5M-row result cannot get one pixel row per row at 24 px. Above
 * MAX_SCROLL_PX the scrollbar's range is scaled: its fraction picks the first row, so the
 * scrollbar's end is the result's last row.
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface RowWindow {
  /** Spacer height: the container scrolls from 0 to this. */
  scrollRange: number;
  /** First row drawn, and how far it is scrolled up (px). */
  first: number;
  shift: number;
  /** Rows drawn (enough to fill the body). */
  count: number;
}

export function rowWindow(
  total: number,
  rowHeight: number,
  bodyHeight: number,
  scrollTop: number,
): RowWindow {
  const fit = bodyHeight / rowHeight;
  const natural = total * rowHeight - bodyHeight;
  if (natural <= 0) return { scrollRange: 0, first: 0, shift: 0, count: total };
  const scrollRange = Math.min(natural, MAX_SCROLL_PX);
  const top = Math.max(0, Math.min(scrollTop, scrollRange));
  const position = (top / scrollRange) * (total - fit);
  const first = Math.floor(position);
  const count = Math.min(total - first, Math.ceil(fit) + 1);
  return { scrollRange, first, shift: (position - first) * rowHeight, count };
}

/** The scroll position that shows `row` at the top (or as near as the end allows). */
export function scrollTopFor(
  row: number,
  total: number,
  rowHeight: number,
  bodyHeight: number,
): number {
  const fit = bodyHeight / rowHeight;
  const natural = total * rowHeight - bodyHeight;
  if (natural <= 0) return 0;
  const scrollRange = Math.min(natural, MAX_SCROLL_PX);
  return (Math.max(0, Math.min(row, total - fit)) / (total - fit)) * scrollRange;
}
