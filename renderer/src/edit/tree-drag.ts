import type { DragEvent } from 'react';
import { isUnder, parentOf } from './paths';

/**
 * Moving by drag within the tree. The drag carries the pond path under its own type, so a drop
 * tells it apart from host files dragged in from outside (type `Files`: the import's), which it
 * leaves alone: nothing here prevents their default or stops them.
 */
export const POND_PATH_TYPE = 'application/x-pond-path';

/** The path being dragged in this window (a drop target cannot read it before the drop). */
let dragging: string | undefined;

export function startDrag(e: DragEvent, path: string): void {
  dragging = path;
  e.dataTransfer.setData(POND_PATH_TYPE, path);
  e.dataTransfer.setData('text/plain', path);
  e.dataTransfer.effectAllowed = 'move';
}

export function endDrag(): void {
  dragging = undefined;
}

/** The dragged pond path when it may be dropped into `dir`; undefined for any other drag. */
export function internalDrop(e: DragEvent, dir: string): string | undefined {
  if (!e.dataTransfer.types.includes(POND_PATH_TYPE) || dragging === undefined) return undefined;
  // Not into itself or below, and not where it already is.
  if (isUnder(dir, dragging) || parentOf(dragging) === dir) return undefined;
  return dragging;
}
