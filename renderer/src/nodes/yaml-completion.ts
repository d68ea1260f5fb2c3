import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import type { Text } from '@codemirror/state';
import type { ConfigKeyInfo } from '../../../shared/api';

/** One line of a block-style YAML config: its list dash, key and where the key starts. */
interface Line {
  /** Column of the key (after a `- ` list dash). */
  col: number;
  /** The line starts a list item (`- key: ...`). */
  item: boolean;
  key: string | undefined;
  /** Something follows `key:` on the same line. */
  hasValue: boolean;
  blank: boolean;
}

function readLine(text: string): Line {
  const m = /^(\s*)(-\s+)?(?:([\w.$-]+)\s*:(.*))?/.exec(text)!;
  const col = m[1]!.length + (m[2]?.length ?? 0);
  const rest = (m[4] ?? '').replace(/\s#.*$/, '').trim();
  return {
    col,
    item: m[2] !== undefined,
    key: m[3],
    hasValue: rest !== '',
    blank: text.trim() === '' || text.trim().startsWith('#'),
  };
}

/** The keys above a position: the mappings (and lists of mappings) it is nested in. */
function parentsAt(doc: Text, lineNo: number, col: number): string[] {
  for (let n = lineNo - 1; n >= 1; n--) {
    const l = readLine(doc.line(n).text);
    if (l.blank || l.col >= col) continue;
    if (l.key !== undefined && !l.hasValue) return [...parentsAt(doc, n, l.col), l.key];
    if (l.col === 0) return [];
  }
  return [];
}

/** The keys already written in the mapping a line is in (one list item's, for a list). */
function siblings(doc: Text, lineNo: number, col: number): Set<string> {
  const out = new Set<string>();
  const here = readLine(doc.line(lineNo).text);
  for (let n = lineNo - 1; n >= 1 && !here.item; n--) {
    const l = readLine(doc.line(n).text);
    if (l.blank || l.col > col) continue;
    if (l.col < col) break;
    if (l.key) out.add(l.key);
    if (l.item) break;
  }
  for (let n = lineNo + 1; n <= doc.lines; n++) {
    const l = readLine(doc.line(n).text);
    if (l.blank || l.col > col) continue;
    if (l.col < col || l.item) break;
    if (l.key) out.add(l.key);
  }
  return out;
}

function keysAt(schema: ConfigKeyInfo[], path: string[]): ConfigKeyInfo[] {
  let level = schema;
  for (const name of path) level = level.find((k) => k.name === name)?.keys ?? [];
  return level;
}

function keyOption(k: ConfigKeyInfo): Completion {
  return {
    label: k.name,
    type: 'property',
    detail: `${k.type}${k.required ? ' · required' : ''}`,
    info: k.doc,
    apply: `${k.name}: `,
    boost: k.required ? 1 : 0,
  };
}

/**
 * Completion of a factory's config from its keys (as the engine's registry lists them): the
 * keys that fit where the cursor is (top level, or inside `aggregations:` items...), and the
 * values of keys that take few (`type: avg`). Block style, and keys and values inside a flow
 * mapping on one line (`- { type: avg }`).
 */
export function configCompletion(schema: () => ConfigKeyInfo[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const here = readLine(line.text);
    const parents = parentsAt(ctx.state.doc, line.number, here.col);

    const value = /(?:^|[\s{,])([\w.$-]+):\s+["']?([\w.-]*)$/.exec(before);
    if (value) {
      // In a flow mapping the key belongs to the line's own key when it opens one.
      const inFlow = /[{]/.test(before) && here.key !== undefined && here.key !== value[1];
      const level = keysAt(schema(), inFlow ? [...parents, here.key!] : parents);
      const k = level.find((x) => x.name === value[1]) ?? findAnywhere(schema(), value[1]!);
      if (!k?.values) return null;
      return {
        from: ctx.pos - value[2]!.length,
        options: k.values.map((v) => ({ label: v, type: 'enum', info: k.doc })),
        validFor: /^[\w.-]*$/,
      };
    }
    const block = /^\s*(?:-\s+)?([\w.$-]*)$/.exec(before);
    const flow = /[{,]\s*([\w.$-]*)$/.exec(before);
    const word = block ?? flow;
    if (!word) return null;
    // Typing a word opens the list; an empty line only on Ctrl+Space.
    if (!ctx.explicit && word[1] === '') return null;
    const path = flow && !block && here.key ? [...parents, here.key] : parents;
    const taken = block ? siblings(ctx.state.doc, line.number, here.col) : new Set<string>();
    const level = keysAt(schema(), path).filter((k) => !taken.has(k.name));
    if (level.length === 0) return null;
    return {
      from: ctx.pos - word[1]!.length,
      options: level.map(keyOption),
      validFor: /^[\w.$-]*$/,
    };
  };
}

/** A key of that name anywhere in the schema (for a flow mapping whose parent is unclear). */
function findAnywhere(keys: ConfigKeyInfo[], name: string): ConfigKeyInfo | undefined {
  for (const k of keys) {
    if (k.name === name && k.values) return k;
    const inner = k.keys && findAnywhere(k.keys, name);
    if (inner) return inner;
  }
  return undefined;
}
