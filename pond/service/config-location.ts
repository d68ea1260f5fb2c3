import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/** A span of a config's text (UTF-16 offsets, as JavaScript strings and editors count). */
export interface Span {
  from: number;
  to: number;
}

/**
 * Where a key the engine names (`in_pattern`, `aggregations[1].type`, `patterns.source`) is in
 * a YAML config: a scalar value's own span, else the key's (a mapping or list under it). A key
 * that is not there (a required one) places at its parent's key; undefined when nothing of the
 * path is there or the text is not YAML.
 */
export function locateKey(text: string, key: string): Span | undefined {
  const path = keyPath(key);
  if (path.length === 0) return undefined;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  let node: unknown = doc.contents;
  let found: Span | undefined;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (typeof seg === 'string' && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return found;
      const k = pair.key as Node;
      const keySpan = span(k);
      if (last) return (isScalar(pair.value) && span(pair.value as Node)) || keySpan;
      found = keySpan ?? found;
      node = pair.value;
    } else if (typeof seg === 'number' && isSeq(node)) {
      const item = node.items[seg] as Node | undefined;
      if (!item) return found;
      if (last) return span(item) ?? found;
      found = span(item) ?? found;
      node = item;
    } else {
      return found;
    }
  }
  return found;
}

/** Where the first YAML syntax error is, if any. */
export function yamlErrorSpan(text: string): Span | undefined {
  const e = parseDocument(text).errors[0];
  if (!e) return undefined;
  const [from, to] = e.pos;
  return { from, to: Math.max(to, from + 1) };
}

/** `a.b[2].c` as ['a', 'b', 2, 'c']. */
function keyPath(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [];
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function span(node: Node): Span | undefined {
  const r = node.range;
  if (!r) return undefined;
  const [from, valueEnd] = r;
  return { from, to: Math.max(valueEnd, from + 1) };
}
