import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ColumnOverride, CsvDialect, ImportOverrides } from '../../shared/import.js';
import { COPY_FLAGS, type ImportAdvice, type ImportChoice } from './import-advice.js';

/**
 * The user's import choices as written on the command line or in a `pond apply` copy document,
 * checked and turned into ImportOverrides. Both go through here, so they accept the same things.
 */
export interface OverrideInput {
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  skip?: string | number;
  encoding?: string;
  null?: string[];
  /** `NAME:TYPE`, `NAME=NEW_NAME`, `NAME=NEW_NAME:TYPE`; NAME may be `#N`. */
  column?: string[];
  skipColumn?: string[];
  timestampColumn?: string;
  timestampFormat?: string;
  skipRejected?: boolean;
}

const ENCODINGS: Record<string, CsvDialect['encoding']> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16',
  utf16: 'utf-16',
  'latin-1': 'latin-1',
  latin1: 'latin-1',
  'iso-8859-1': 'latin-1',
};

/** `where` starts each message; `advice` names the options as the caller's front end does. */
export function overridesFromSpec(
  input: OverrideInput,
  where: string,
  advice: ImportAdvice = COPY_FLAGS,
): ImportOverrides {
  const bad = (choice: ImportChoice, why: string, value: string) =>
    new PondError(ErrorCode.InvalidArgument, `${where}${advice.option(choice)}: ${why}`, {
      input: value,
    });
  const o: ImportOverrides = {};
  if (input.delimiter !== undefined) {
    const d = unescape(input.delimiter);
    if (d.length < 1 || d.length > 4 || /[\r\n]/.test(d))
      throw bad(
        'delimiter',
        `'${input.delimiter}' must be 1 to 4 characters, not a line break`,
        input.delimiter,
      );
    o.delimiter = d;
  }
  for (const key of ['quote', 'escape'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    const c = unescape(v);
    if (c.length > 1 || /[\r\n]/.test(c))
      throw bad(key, `'${v}' must be one character, or '' for none`, v);
    o[key] = c;
  }
  if (input.header !== undefined) o.header = input.header;
  if (input.skip !== undefined) {
    const s = String(input.skip);
    if (!/^\d+$/.test(s)) throw bad('skip', `'${s}' is not a number of lines`, s);
    o.skip = Number(s);
  }
  if (input.encoding !== undefined) {
    const e = ENCODINGS[input.encoding.toLowerCase()];
    if (!e)
      throw bad('encoding', `'${input.encoding}' is not utf-8, utf-16 or latin-1`, input.encoding);
    o.encoding = e;
  }
  if (input.null !== undefined && input.null.length > 0) o.nullStrings = [...input.null];
  const columns: ColumnOverride[] = [];
  for (const spec of input.column ?? []) columns.push(parseColumnSpec(spec, where, advice));
  for (const name of input.skipColumn ?? []) {
    if (name === '') throw bad('skipColumn', 'needs a column name or #N', name);
    columns.push({ column: name, skip: true });
  }
  if (columns.length > 0) o.columns = columns;
  if (input.timestampColumn !== undefined) o.timestampColumn = input.timestampColumn;
  if (input.timestampFormat !== undefined) o.timestampFormat = input.timestampFormat;
  if (input.skipRejected) o.skipRejected = true;
  return o;
}

/** `NAME:TYPE`, `NAME=NEW_NAME` or `NAME=NEW_NAME:TYPE` (NAME may be `#N`, the Nth column). */
export function parseColumnSpec(
  spec: string,
  where = '',
  advice: ImportAdvice = COPY_FLAGS,
): ColumnOverride {
  const colon = spec.lastIndexOf(':');
  const left = colon < 0 ? spec : spec.slice(0, colon);
  const type = colon < 0 ? undefined : spec.slice(colon + 1).trim();
  const eq = left.indexOf('=');
  const column = eq < 0 ? left : left.slice(0, eq);
  const rename = eq < 0 ? undefined : left.slice(eq + 1);
  if (
    column === '' ||
    type === '' ||
    rename === '' ||
    (type === undefined && rename === undefined)
  ) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${where}${advice.option('column')} '${spec}': write NAME:TYPE, NAME=NEW_NAME or NAME=NEW_NAME:TYPE (NAME may be #N for the Nth column)`,
      { input: spec },
    );
  }
  const o: ColumnOverride = { column };
  if (rename !== undefined) o.rename = rename;
  if (type !== undefined) o.type = type;
  return o;
}

/** `\t` as typed in a shell or YAML is the tab character. */
function unescape(s: string): string {
  return s === '\\t' || s.toLowerCase() === 'tab' ? '\t' : s;
}
