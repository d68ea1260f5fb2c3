import { open, stat } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { CsvDialect } from '../../shared/import.js';
import { duckMessage, type DuckSession } from '../duckdb/session.js';
import { literal, stringList } from '../duckdb/sql.js';
import type { CsvAdvice } from './csv-advice.js';
import { readCsvHead, type CsvRecord } from './csv-head.js';

/** What the user says about how a CSV file is read; anything left out is sniffed (skip: 0). */
export interface CsvChoices {
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  skip?: number;
  encoding?: CsvDialect['encoding'];
  nullStrings?: string[];
}

/** DuckDB's proposal for a CSV file, checked against the file itself. */
export interface CsvSniff {
  dialect: CsvDialect;
  /** Names as written in the header (DuckDB's `column0`... without one), with sniffed types. */
  columns: { name: string; type: string }[];
  /** The line of the header, when there is one. */
  headerLine: number | null;
  /** The first data records as written, for examples in messages. */
  firstRows: CsvRecord[];
}

/** Delimiters whose presence in a line read as one column means the dialect is wrong. */
const LIKELY_DELIMITERS = [',', ';', '\t', '|'];

/**
 * Sniffs a CSV file with DuckDB (`sniff_csv`) and verifies the result on the file's first lines.
 *
 * DuckDB's sniffer alone cannot be trusted with a file it finds irregular: it may skip the
 * header and the first rows as a "preamble" (a ragged file then reads as its last rows, without
 * its header), or settle on a delimiter that reads `a,b,c` as one column. So lines are skipped
 * only when the user says so, rows that do not fit do not steer the sniff (`ignore_errors`; the
 * strict read of the whole file reports them later), and the header line split with the chosen
 * dialect by our own reader must give exactly the sniffed columns.
 */
export async function sniffCsv(
  session: DuckSession,
  file: string,
  label: string,
  compression: CsvDialect['compression'],
  o: CsvChoices,
  advice: CsvAdvice,
): Promise<CsvSniff> {
  if ((await stat(file)).size === 0) {
    throw new PondError(ErrorCode.BadInput, `${label} is empty: there is nothing to import`, {
      input: label,
    });
  }
  const found = await compressionOf(file);
  if (compression === 'none' && found !== 'none') {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} is ${found}-compressed: name the compression in the URL (csv+${found}:///..., host+csv+${found}:///...)`,
      { input: label },
    );
  }
  const skip = o.skip ?? 0;
  const encoding = o.encoding ?? 'utf-8';
  const nullStrings = o.nullStrings ?? [];
  const args = [
    `skip = ${skip}`,
    `comment = ''`,
    `ignore_errors = true`,
    `encoding = ${literal(encoding)}`,
    `compression = ${literal(compression)}`,
    `nullstr = ${stringList(['', ...nullStrings])}`,
  ];
  if (o.delimiter !== undefined) args.push(`delim = ${literal(o.delimiter)}`);
  if (o.quote !== undefined) args.push(`quote = ${literal(o.quote)}`);
  if (o.escape !== undefined) args.push(`escape = ${literal(o.escape)}`);
  if (o.header !== undefined) args.push(`header = ${o.header}`);
  let r: Record<string, unknown> | undefined;
  try {
    r = (
      await session.all(
        `SELECT Delimiter, Quote, Escape, HasHeader, Columns, DateFormat, TimestampFormat
         FROM sniff_csv(${literal(file)}, ${args.join(', ')})`,
      )
    )[0];
  } catch (e) {
    throw new PondError(ErrorCode.BadInput, `cannot read ${label} as CSV: ${duckMessage(e)}`, {
      input: label,
      cause: e,
    });
  }
  if (!r) throw new PondError(ErrorCode.BadInput, `cannot sniff ${label}`, { input: label });
  const sniffed = (v: unknown) => (v === '(empty)' ? '' : (v as string));
  const quote = o.quote ?? (sniffed(r['Quote']) || '"');
  const dialect: CsvDialect = {
    delimiter: o.delimiter ?? (r['Delimiter'] as string),
    quote,
    // RFC 4180: a quote inside a quoted field is doubled, unless the file escapes it otherwise.
    escape: o.escape ?? (sniffed(r['Escape']) || quote),
    header: o.header ?? (r['HasHeader'] as boolean),
    skip,
    encoding,
    compression,
    nullStrings,
    dateFormat: (r['DateFormat'] as string | null) ?? null,
    timestampFormat: (r['TimestampFormat'] as string | null) ?? null,
  };
  const sniffedColumns = (r['Columns'] as { name: string; type: string }[]).map((c) => ({
    name: c.name,
    type: c.type,
  }));
  const head = await readCsvHead(session, file, dialect, 6, label, advice);
  if (head.length === 0) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} has no lines${skip > 0 ? ` after the ${skip} skipped` : ''}: there is nothing to import`,
      { input: label },
    );
  }
  const first = head[0]!;
  checkColumnCount(first, sniffedColumns.length, dialect, label, o.delimiter !== undefined, advice);
  const dataRows = dialect.header ? head.slice(1) : head;
  if (dataRows.length === 0) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} has a header (line ${first.line}) but no rows: there is nothing to import`,
      { input: label },
    );
  }
  const columns = sniffedColumns.map((c, i) => ({
    name: dialect.header ? first.fields[i]! : c.name,
    type: c.type,
  }));
  return { dialect, columns, headerLine: dialect.header ? first.line : null, firstRows: dataRows };
}

/** The compression a file's first bytes show (gzip: 1f 8b; zstd frame: 28 b5 2f fd). */
async function compressionOf(file: string): Promise<CsvDialect['compression']> {
  const h = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await h.read(Buffer.alloc(4), 0, 4, 0);
    const b = buffer.subarray(0, bytesRead);
    if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    if (b.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
    return 'none';
  } finally {
    await h.close();
  }
}

function checkColumnCount(
  first: CsvRecord,
  sniffed: number,
  d: CsvDialect,
  label: string,
  delimiterGiven: boolean,
  advice: CsvAdvice,
): void {
  const how = `with delimiter ${JSON.stringify(d.delimiter)} and quote ${JSON.stringify(d.quote)}`;
  if (first.fields.length !== sniffed) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: line ${first.line} has ${first.fields.length} fields ${how}, but DuckDB's sniffer reads ${sniffed} columns; give the dialect (${(['delimiter', 'quote', 'header', 'skip'] as const).map((c) => advice(c)).join(', ')})`,
      { input: label },
    );
  }
  const text = first.fields[0] ?? '';
  const other = LIKELY_DELIMITERS.find((c) => c !== d.delimiter && text.includes(c));
  // The user's delimiter, absent from a line another one splits: refuse it, not the columns.
  if (sniffed === 1 && delimiterGiven && other !== undefined) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: the delimiter ${JSON.stringify(d.delimiter)} is not in line ${first.line} (${JSON.stringify(text.slice(0, 60))}), so every row would be one column; if ${JSON.stringify(other)} separates its columns, give ${advice('delimiter', other)}`,
      { input: label },
    );
  }
  if (sniffed === 1 && !delimiterGiven && other !== undefined) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: line ${first.line} reads as one column ${JSON.stringify(text.slice(0, 60))} ${how}; if ${JSON.stringify(other)} separates its columns, give ${advice('delimiter', other)}`,
      { input: label },
    );
  }
}
