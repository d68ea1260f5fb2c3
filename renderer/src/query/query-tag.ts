import type { QueryTag } from '../../../shared/api';

/** This tab's (or window's) id, so its panels' slots never meet another tab's. */
const TAB = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
  b.toString(16).padStart(2, '0'),
).join('');
let calls = 0;

/**
 * A tag for one preview or chart call of `panel` ('grid', 'chart'): the engine stops the call
 * on `cancelQuery(tag.id)`, and when a call for something else comes from the same panel.
 */
export function queryTag(panel: string): QueryTag {
  calls += 1;
  return { id: `${TAB}-${calls}`, slot: `${TAB}:${panel}` };
}
