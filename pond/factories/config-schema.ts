import type { ConfigKeyInfo } from '../../shared/api.js';

/**
 * What a factory's config looks like, for people and editors: its keys (with the keys of nested
 * mappings and lists of mappings) and an example to start from. The factory's own `validate` is
 * what checks a config; a test holds the two together (the example validates, and the keys here
 * are the keys `validate` reads).
 */
export interface FactorySchema {
  keys: ConfigKeyInfo[];
  example: string;
}

/** A key of a config: `key('in_pattern', 'input URL', true, 'the series to reduce')`. */
export function key(
  name: string,
  type: string,
  required: boolean,
  doc: string,
  more: Pick<ConfigKeyInfo, 'values' | 'keys'> = {},
): ConfigKeyInfo {
  return { name, type, required, doc, ...more };
}

/** `transforms`, the optional key of every factory that reads tables or series. */
export const TRANSFORMS_KEY = key(
  'transforms',
  'list of pond paths',
  false,
  'column-rename nodes applied to the inputs, in order',
);
