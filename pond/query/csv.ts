import { ErrorCode, PondError } from '../../shared/errors.js';
import type { CsvDialect } from '../../shared/import.js';
import type { CsvChoices } from './csv-sniff.js';

const ENCODINGS: Record<string, CsvDialect['encoding']> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16',
  utf16: 'utf-16',
  'latin-1': 'latin-1',
  latin1: 'latin-1',
  'iso-8859-1': 'latin-1',
};

const PARAMETERS = 'delimiter, header, quote, escape, skip, encoding, null';

/**
 * How to read a CSV file, from the query parameters of its URL
 * (`csv:///f.csv?delimiter=;&header=false&skip=2&encoding=latin-1&null=n/a`); what is left out is
 * sniffed by DuckDB and checked against the file (query/csv-file.ts).
 */
export function csvChoicesFromParams(params: Record<string, string>, where: string): CsvChoices {
  const bad = (why: string) =>
    new PondError(ErrorCode.InvalidArgument, `${where}: ${why}`, { input: where });
  const o: CsvChoices = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'delimiter' || k === 'delim') {
      const d = v === '\\t' || v.toLowerCase() === 'tab' ? '\t' : v;
      if (d.length < 1 || d.length > 4 || /[\r\n]/.test(d))
        throw bad(`delimiter '${v}' must be 1 to 4 characters, not a line break`);
      o.delimiter = d;
    } else if (k === 'header' || k === 'has_header') o.header = parseBool(v, k, where);
    else if (k === 'quote' || k === 'escape') {
      if (v.length > 1 || /[\r\n]/.test(v))
        throw bad(`${k} '${v}' must be one character, or empty for none`);
      o[k] = v;
    } else if (k === 'skip') {
      if (!/^\d+$/.test(v)) throw bad(`skip '${v}' is not a number of lines`);
      o.skip = Number(v);
    } else if (k === 'encoding') {
      const e = ENCODINGS[v.toLowerCase()];
      if (!e) throw bad(`encoding '${v}' is not one of utf-8, utf-16, latin-1`);
      o.encoding = e;
    } else if (k === 'null') o.nullStrings = [v];
    else throw bad(`unknown CSV option '${k}' (${PARAMETERS})`);
  }
  return o;
}

function parseBool(v: string, key: string, where: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new PondError(
    ErrorCode.InvalidArgument,
    `${where}: ${key} must be true or false, not '${v}'`,
    { input: where },
  );
}
