import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { CsvDialect } from '../../shared/import.js';
import { duckMessage, type DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';
import type { CsvAdvice } from './csv-advice.js';

/** A record of a CSV file as written, and the line it starts on (1-based, as an editor counts). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The bytes read to find the first records; a header line longer than this is refused. */
const HEAD_BYTES = 1 << 20;

/** The lines DuckDB reads for the head of a zstd file (see zstdHead). */
const HEAD_LINES = 10_000;

type HeadDialect = Pick<
  CsvDialect,
  'delimiter' | 'quote' | 'escape' | 'skip' | 'encoding' | 'compression'
>;

/**
 * The first records of a CSV file split with a dialect, by our own reader rather than DuckDB's:
 * the check that DuckDB's sniffer did not misread the header (lost it, merged its columns,
 * renamed duplicates). Blank lines are passed over, as DuckDB does.
 */
export async function readCsvHead(
  session: DuckSession,
  file: string,
  dialect: HeadDialect,
  maxRecords: number,
  label: string,
  advice: CsvAdvice,
): Promise<CsvRecord[]> {
  if (dialect.compression === 'zstd') {
    const { text, complete } = await zstdHead(session, file, dialect, label, advice);
    return splitRecords(text, dialect, maxRecords, complete, label, advice);
  }
  const { bytes, complete } = await headBytes(file, dialect.compression, label);
  const text = decode(bytes, complete, dialect.encoding, label, advice);
  return splitRecords(text, dialect, maxRecords, complete, label, advice);
}

/**
 * The first lines of a zstd-compressed file as text, decompressed and decoded by DuckDB (Node's
 * zlib reads zstd only from Node 22.15). Each line is read whole as one field (no quote, a
 * delimiter no text holds), so DuckDB's line numbers are the file's lines, blank ones included.
 * Line ends come back as \n: the head is only split into records and compared with the sniff.
 */
async function zstdHead(
  session: DuckSession,
  file: string,
  dialect: HeadDialect,
  label: string,
  advice: CsvAdvice,
): Promise<{ text: string; complete: boolean }> {
  let rows: { line: string | null }[];
  try {
    rows = await session.all<{ line: string | null }>(
      `SELECT line FROM read_csv(${literal(file)}, columns = {'line': 'VARCHAR'}, header = false,
         auto_detect = false, strict_mode = false, delim = '\x1f\x1e\x1d\x1c', quote = '', escape = '',
         compression = 'zstd', encoding = ${literal(dialect.encoding)}) LIMIT ${HEAD_LINES}`,
    );
  } catch (e) {
    const message = duckMessage(e);
    const full = messageOf(e instanceof PondError && e.cause !== undefined ? e.cause : e);
    const line = /Line: (\d+)/.exec(full)?.[1];
    if (/invalid unicode/i.test(full) && line !== undefined) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: line ${line}: invalid encoding: not valid ${dialect.encoding.toUpperCase()} (a Latin-1 file? give ${advice('encoding', 'latin-1')})`,
        { input: label, cause: e },
      );
    }
    throw new PondError(ErrorCode.BadInput, `cannot read ${label} as zstd: ${message}`, {
      input: label,
      cause: e,
    });
  }
  let text = '';
  for (const r of rows) {
    text += `${r.line ?? ''}\n`;
    if (text.length >= HEAD_BYTES) return { text: text.slice(0, HEAD_BYTES), complete: false };
  }
  return { text, complete: rows.length < HEAD_LINES };
}

async function headBytes(
  file: string,
  compression: 'none' | 'gzip',
  label: string,
): Promise<{ bytes: Buffer; complete: boolean }> {
  let stream: Readable = createReadStream(file);
  if (compression === 'gzip') stream = stream.pipe(zlib.createGunzip());
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= HEAD_BYTES) {
        stream.destroy();
        return { bytes: Buffer.concat(chunks).subarray(0, HEAD_BYTES), complete: false };
      }
    }
  } catch (e) {
    throw new PondError(
      ErrorCode.BadInput,
      `cannot read ${label}${compression === 'none' ? '' : ` as ${compression}`}: ${(e as Error).message}`,
      { input: label, cause: e },
    );
  }
  return { bytes: Buffer.concat(chunks), complete: true };
}

function decode(
  bytes: Buffer,
  complete: boolean,
  encoding: CsvDialect['encoding'],
  label: string,
  advice: CsvAdvice,
): string {
  if (encoding === 'latin-1') return bytes.toString('latin1');
  if (encoding === 'utf-16' && isBigEndian(bytes)) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} is UTF-16 big-endian (${bytes[0] === 0xfe ? 'its byte order mark is FE FF' : 'its first characters start with a zero byte'}), and ${advice('encoding', 'utf-16')} reads little-endian only: convert it first, e.g. iconv -f UTF-16BE -t UTF-8 (then no encoding is needed)`,
      { input: label },
    );
  }
  const name = encoding === 'utf-16' ? 'utf-16le' : 'utf-8';
  // A head cut short may end inside a character: decode in stream mode so that is not an error.
  const decoder = new TextDecoder(name, { fatal: true });
  try {
    return decoder.decode(bytes, { stream: !complete });
  } catch {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: line ${badLine(bytes, name)}: invalid encoding: not valid ${encoding.toUpperCase()} (${encodingGuess(bytes, encoding, advice)})`,
      { input: label },
    );
  }
}

/**
 * Whether UTF-16 bytes are big-endian: by the byte order mark, else by where the zero bytes of
 * ASCII characters fall (first in big-endian).
 */
function isBigEndian(bytes: Buffer): boolean {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return true;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return false;
  let [even, odd] = [0, 0];
  const n = Math.min(bytes.length, 4096) & ~1;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] !== 0) even++;
    if (bytes[i] !== 0 && bytes[i + 1] === 0) odd++;
  }
  return even > odd;
}

/** What the file may be instead: UTF-16 when it starts with its byte order mark, else Latin-1. */
function encodingGuess(bytes: Buffer, encoding: string, advice: CsvAdvice): string {
  const bom =
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bom && encoding !== 'utf-16')
    return `it starts with a UTF-16 byte order mark: give ${advice('encoding', 'utf-16')}`;
  return `a Latin-1 file? give ${advice('encoding', 'latin-1')}`;
}

/** The first line (ended by \n, \r\n or \r) whose bytes do not decode. */
function badLine(bytes: Buffer, name: string): number {
  let start = 0;
  for (let line = 1; ; line++) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
    const slice = bytes.subarray(start, end);
    try {
      new TextDecoder(name, { fatal: true }).decode(slice, { stream: end >= bytes.length });
    } catch {
      return line;
    }
    if (end >= bytes.length) return line;
    start = bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? end + 2 : end + 1;
  }
}

/**
 * Splits text into records: fields separated by the delimiter, quoted fields (which may hold
 * delimiters and line breaks) with the quote doubled or escaped inside, records ended by \n, \r\n
 * or \r. The first `skip` lines are not read.
 */
export function splitRecords(
  text: string,
  dialect: Pick<CsvDialect, 'delimiter' | 'quote' | 'escape' | 'skip'>,
  maxRecords: number,
  complete: boolean,
  label: string,
  advice: CsvAdvice,
): CsvRecord[] {
  const { delimiter, quote, escape } = dialect;
  let i = 0;
  let line = 1;
  const n = text.length;
  const newline = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else i += 1;
    line++;
  };
  for (let s = 0; s < dialect.skip && i < n; s++) {
    while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    if (i < n) newline();
  }
  const out: CsvRecord[] = [];
  while (i < n && out.length < maxRecords) {
    if (text[i] === '\n' || text[i] === '\r') {
      newline(); // a blank line is not a record
      continue;
    }
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atStart = true;
    let ended = false;
    while (i < n) {
      const c = text[i]!;
      if (quoted) {
        if (escape !== '' && c === escape && escape !== quote && text[i + 1] !== undefined) {
          field += text[i + 1];
          i += 2;
        } else if (c === quote) {
          if (escape === quote && text[i + 1] === quote) {
            field += quote;
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else if (c === '\n' || c === '\r') {
          field += c === '\r' && text[i + 1] === '\n' ? '\r\n' : c;
          newline();
        } else {
          field += c;
          i++;
        }
        continue;
      }
      if (atStart && quote !== '' && c === quote) {
        quoted = true;
        atStart = false;
        i++;
      } else if (text.startsWith(delimiter, i)) {
        fields.push(field);
        field = '';
        atStart = true;
        i += delimiter.length;
      } else if (c === '\n' || c === '\r') {
        newline();
        ended = true;
        break;
      } else {
        field += c;
        atStart = false;
        i++;
      }
    }
    if (!ended && !complete) break; // cut off by the head's size: not a whole record
    if (quoted && complete) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: line ${start} opens a quoted field (${quote}) that is never closed (if ${quote} is a plain character in this file, give ${advice('quote', '')})`,
        { input: label },
      );
    }
    fields.push(field);
    out.push({ line: start, fields });
  }
  if (out.length === 0 && !complete) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: the first record is longer than ${HEAD_BYTES} bytes (wrong ${advice('quote')}?)`,
      { input: label },
    );
  }
  return out;
}
