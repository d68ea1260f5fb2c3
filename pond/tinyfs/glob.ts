import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Glob patterns over pond paths (reference §6.1). Only `*` and `**` are wildcards:
 * - a component that is exactly `**` matches zero or more directories, and each directory it
 *   descends adds that directory's name as a capture;
 * - a component with `*` in it matches one name; each `*` captures the text it matched
 *   (`*VuLink*` gives two captures) and never crosses `/`;
 * - anything else is a literal name.
 * `?`, `[`, `]`, `{` and `}` are reserved: a pattern using them is refused (the original
 * accepted them as literals, so `[abc]` silently matched nothing). `[`, `]`, `{` and `}` may
 * appear in names, and a pattern matches them written as `\[`, `\]`, `\{`, `\}`; names never
 * hold `\`, `*` or `?` (entry-name.ts), so escapes are unambiguous.
 */
export type GlobComponent =
  | { kind: 'literal'; name: string }
  | { kind: 'wildcard'; segments: string[] }
  | { kind: 'any-depth' };

export interface Glob {
  /** The pattern as given. */
  readonly source: string;
  readonly absolute: boolean;
  readonly components: readonly GlobComponent[];
}

const RESERVED = '?[]{}';
const ESCAPABLE = '*?[]{}\\';

export function parseGlob(pattern: string): Glob {
  if (pattern.trim() === '') {
    throw new PondError(ErrorCode.InvalidArgument, 'empty pattern', { input: pattern });
  }
  const components: GlobComponent[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new PondError(ErrorCode.InvalidArgument, `pattern '${pattern}' may not contain '..'`, {
        input: pattern,
      });
    }
    if (part === '**') {
      components.push({ kind: 'any-depth' });
      continue;
    }
    const segments = splitComponent(part, pattern);
    if (segments.length === 1) components.push({ kind: 'literal', name: segments[0]! });
    else if (segments.some((s, i) => s === '' && i > 0 && i < segments.length - 1))
      throw badPattern(pattern, "'**' must be a whole path component");
    else components.push({ kind: 'wildcard', segments });
  }
  return { source: pattern, absolute: pattern.startsWith('/'), components };
}

/**
 * A pattern on names only (the app's tree filter): `*` wildcards and escapes as in paths,
 * no `/`. Returns the segments `matchWildcard` takes.
 */
export function parseNamePattern(pattern: string): string[] {
  if (pattern.includes('/')) {
    throw badPattern(pattern, "a pattern on names cannot contain '/'");
  }
  const segments = splitComponent(pattern, pattern);
  if (segments.some((s, i) => s === '' && i > 0 && i < segments.length - 1))
    throw badPattern(pattern, "'**' means any depth of folders, not part of a name");
  return segments;
}

/** One component split on its unescaped `*`, escapes resolved; refuses reserved characters. */
function splitComponent(part: string, pattern: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '\\') {
      const next = part[i + 1];
      if (next === undefined || !ESCAPABLE.includes(next)) {
        throw badPattern(
          pattern,
          `'\\' escapes only * ? [ ] { } and \\ (names never contain '\\')`,
        );
      }
      current += next;
      i++;
    } else if (c === '*') {
      segments.push(current);
      current = '';
    } else if (RESERVED.includes(c)) {
      throw badPattern(
        pattern,
        `'${c}' is not pattern syntax here: patterns have * and ** only (write \\${c} to match a '${c}' in a name)`,
      );
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

function badPattern(pattern: string, why: string): PondError {
  return new PondError(ErrorCode.InvalidArgument, `bad pattern '${pattern}': ${why}`, {
    input: pattern,
  });
}

export function hasWildcards(glob: Glob): boolean {
  return glob.components.some((c) => c.kind !== 'literal');
}

/**
 * Matches one name against a `*` component. Returns the captures (one per `*`) or undefined.
 * The first segment is anchored at the start, the last at the end, and the segments between
 * are found leftmost-first, so `*_*` on `a_b_c` captures `a` and `b_c`.
 */
export function matchWildcard(segments: readonly string[], name: string): string[] | undefined {
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (segments.length < 2) return name === first ? [] : undefined;
  if (name.length < first.length + last.length) return undefined;
  if (!name.startsWith(first) || !name.endsWith(last)) return undefined;
  const end = name.length - last.length;
  const captures: string[] = [];
  let pos = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const at = name.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return undefined;
    captures.push(name.slice(pos, at));
    pos = at + seg.length;
  }
  captures.push(name.slice(pos, end));
  return captures;
}

/** The longest literal prefix of an absolute pattern, as a path ("/a/b" for "/a/b/*.csv"). */
export function literalBase(glob: Glob): string {
  const names: string[] = [];
  for (const c of glob.components) {
    if (c.kind !== 'literal') break;
    names.push(c.name);
  }
  return '/' + names.join('/');
}
