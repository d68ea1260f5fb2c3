import type { ImportSource } from '../../shared/app-import.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ColumnOverride, ImportKind, ImportOverrides } from '../../shared/import.js';
import { parseColumnSpec } from '../import/index.js';
import type { OverrideInput } from '../import/overrides.js';

/** File names read as CSV when dropped (anything else is proposed as data). */
export const CSV_NAMES = /\.(csv|tsv|txt|dat|psv)(\.(gz|zst))?$/i;

/**
 * The wizard's choices as `pond copy` flags. The service plans from these very flags (through the
 * CLI's own parser, `overridesFromSpec`), and "Copy as command" prints them: the app and the
 * command cannot plan differently.
 */
export function importFlags(o: ImportOverrides): OverrideInput {
  const f: OverrideInput = {};
  if (o.delimiter !== undefined) f.delimiter = o.delimiter === '\t' ? '\\t' : o.delimiter;
  if (o.quote !== undefined) f.quote = o.quote;
  if (o.escape !== undefined) f.escape = o.escape;
  if (o.header !== undefined) f.header = o.header;
  if (o.skip !== undefined) f.skip = String(o.skip);
  if (o.encoding !== undefined) f.encoding = o.encoding;
  if (o.nullStrings?.length) f.null = [...o.nullStrings];
  const column: string[] = [];
  const skipColumn: string[] = [];
  for (const c of o.columns ?? []) {
    if (c.skip) skipColumn.push(c.column);
    else if (c.rename !== undefined || c.type !== undefined) column.push(columnSpec(c));
  }
  if (column.length) f.column = column;
  if (skipColumn.length) f.skipColumn = skipColumn;
  if (o.timestampColumn !== undefined) f.timestampColumn = o.timestampColumn;
  if (o.timestampFormat !== undefined) f.timestampFormat = o.timestampFormat;
  if (o.skipRejected) f.skipRejected = true;
  return f;
}

/** `NAME=NEW:TYPE` as `--column` takes it, refused when the CLI would read it otherwise. */
function columnSpec(c: ColumnOverride): string {
  const spec = `${c.column}${c.rename !== undefined ? `=${c.rename}` : ''}${c.type !== undefined ? `:${c.type}` : ''}`;
  const back = parseColumnSpec(spec);
  if (back.column !== c.column || back.rename !== c.rename || back.type !== c.type) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `column '${c.column}'${c.rename !== undefined ? ` renamed '${c.rename}'` : ''} cannot be written as --column '${spec}': name the column by its position (#N), and give a type with a new name holding ':'`,
      { input: spec },
    );
  }
  return spec;
}

/** The `host...:///NAME` URL of a staged file, as `pond copy -d FOLDER` names it. */
export function sourceUrl(source: ImportSource, kind: ImportKind): string {
  if (kind === 'data') return `host:///${source.name}`;
  if (source.format === 'parquet') return `host+${kind}:///${source.name}`;
  const compression = /\.gz$/i.test(source.name)
    ? '+gzip'
    : /\.zst$/i.test(source.name)
      ? '+zstd'
      : '';
  return `host+csv${compression}+${kind}:///${source.name}`;
}

/** The whole `pond copy` command line, each word quoted for a POSIX shell where it must be. */
export function copyCommand(
  pondPath: string,
  folder: string,
  url: string,
  target: string,
  f: OverrideInput,
): string {
  const words = ['pond', '--pond', pondPath, '-d', folder, 'copy', url, target];
  const flag = (name: string, value?: string) =>
    words.push(name, ...(value === undefined ? [] : [value]));
  if (f.delimiter !== undefined) flag('--delimiter', f.delimiter);
  if (f.quote !== undefined) flag('--quote', f.quote);
  if (f.escape !== undefined) flag('--escape', f.escape);
  if (f.header !== undefined) flag(f.header ? '--header' : '--no-header');
  if (f.skip !== undefined) flag('--skip', String(f.skip));
  if (f.encoding !== undefined) flag('--encoding', f.encoding);
  for (const n of f.null ?? []) flag('--null', n);
  for (const c of f.column ?? []) flag('--column', c);
  for (const c of f.skipColumn ?? []) flag('--skip-column', c);
  if (f.timestampColumn !== undefined) flag('--timestamp-column', f.timestampColumn);
  if (f.timestampFormat !== undefined) flag('--timestamp-format', f.timestampFormat);
  if (f.skipRejected) flag('--skip-rejected');
  return words.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: bare when plain, else in single quotes. */
export function shellWord(w: string): string {
  if (/^[A-Za-z0-9_\-./:=+@%,#]+$/.test(w) && !w.startsWith('#')) return w;
  return `'${w.replaceAll("'", `'\\''`)}'`;
}
