import type { Vector } from 'apache-arrow';
import { formatInstant } from '../common/time-zone';
import type { Zone } from '../state/view-settings';
import { cellText } from './cell-text';
import { isInstantType } from './column-kind';

/** A cell as the grid shows it: cellText, with instants in the chosen zone. */
export function cellDisplay(vector: Vector, row: number, type: string, zone: Zone): string {
  const text = cellText(vector, row);
  return isInstantType(type) && text !== 'NULL' ? formatInstant(text, zone) : text;
}
