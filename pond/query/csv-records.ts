import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CsvDialect } from '../../shared/import.js';

/** Where a row of a CSV file starts, and the row as written. */
export interface RecordStart {
  /** 1-based line of the file, as an editor numbers them. */
  line: number;
  /** The row as written (at most 200 characters). */
  text: string;
}

const TEXT_BYTES = 200;

/**
 * The line where each of some rows starts: `ordinals` count the rows DuckDB's strict reader
 * gives (`WITH ORDINALITY`, from 1), which are the file's records after `skip` lines and the
 * header, less blank lines (DuckDB skips them) and less the records starting on
 * `rejectedLines` (rows DuckDB's reader rejected). A quoted field may hold line breaks, so
 * records are parsed with the dialect's quote and escape. Undefined when the file cannot be
 * read here (zstd); the caller then counts records, as DuckDB does.
 */
export async function recordStarts(
  file: string,
  dialect: CsvDialect,
  ordinals: number[],
  rejectedLines: ReadonlySet<number> = new Set(),
): Promise<RecordStart[] | undefined> {
  if (ordinals.length === 0) return [];
  if (dialect.compression === 'zstd') return undefined;
  const wanted = new Map<number, number[]>();
  ordinals.forEach((o, i) => wanted.set(o, [...(wanted.get(o) ?? []), i]));
  const last = Math.max(...ordinals);
  const out = new Array<RecordStart>(ordinals.length);
  const delim = Buffer.from(dialect.delimiter, 'utf8');
  const quote = dialect.quote ? dialect.quote.charCodeAt(0) : -1;
  const escape = dialect.escape ? dialect.escape.charCodeAt(0) : -1;
  const decode = (b: number[]) =>
    Buffer.from(b).toString(dialect.encoding === 'latin-1' ? 'latin1' : 'utf8');

  let line = 1;
  let skipLeft = dialect.skip;
  let headerLeft = dialect.header;
  let ordinal = 0;
  let afterCR = false;
  let inRecord = false;
  let fieldStart = false;
  let inQuotes = false;
  let quoteInQuotes = false; // a quote seen in a quoted field: its end, or the first of two
  let escaped = false;
  let recent = 0; // bytes of the delimiter matched so far
  let capture: number[] | undefined;
  let captureFor: number[] | undefined;
  let recordLine = 0;

  const endRecord = () => {
    if (captureFor)
      for (const i of captureFor) out[i] = { line: recordLine, text: decode(capture!) };
    inRecord = false;
    capture = captureFor = undefined;
  };
  const startRecord = () => {
    inRecord = true;
    fieldStart = true;
    recordLine = line;
    if (headerLeft) return;
    if (rejectedLines.has(line)) return;
    ordinal++;
    captureFor = wanted.get(ordinal);
    if (captureFor) capture = [];
  };

  for await (const chunk of byteStream(file, dialect)) {
    for (let j = 0; j < chunk.length; j++) {
      const b = chunk[j]!;
      const newline = b === 0x0d || (b === 0x0a && !afterCR);
      const lfAfterCR = b === 0x0a && afterCR;
      afterCR = b === 0x0d;
      if (skipLeft > 0) {
        if (newline) {
          line++;
          skipLeft--;
        }
        continue;
      }
      if (lfAfterCR && !inRecord) continue;
      if (!inRecord) {
        if (newline) {
          line++; // a blank line
          continue;
        }
        startRecord();
      }
      if (capture && capture.length < TEXT_BYTES && !newline && !lfAfterCR) capture.push(b);
      if (inQuotes) {
        if (quoteInQuotes) {
          quoteInQuotes = false;
          if (b === quote && escape === quote) continue; // "" in a quoted field
          inQuotes = false; // the quote closed the field: this byte is read below
        } else {
          if (newline) line++;
          if (escaped) escaped = false;
          else if (b === quote) quoteInQuotes = true;
          else if (b === escape) escaped = true;
          continue;
        }
      }
      if (lfAfterCR) continue;
      if (newline) {
        line++;
        endRecord();
        if (headerLeft) headerLeft = false;
        if (ordinal >= last && !captureFor) break;
        continue;
      }
      if (fieldStart && b === quote) {
        inQuotes = true;
        fieldStart = false;
        continue;
      }
      recent = b === delim[recent] ? recent + 1 : b === delim[0] ? 1 : 0;
      fieldStart = recent === delim.length;
      if (fieldStart) recent = 0;
    }
    if (ordinal >= last && !inRecord) break;
  }
  if (inRecord) endRecord();
  return out.every((r) => r !== undefined) ? out : undefined;
}

/** The file's bytes as UTF-8 (UTF-16 is decoded), uncompressed. */
async function* byteStream(file: string, dialect: CsvDialect): AsyncGenerator<Buffer> {
  let stream: Readable = createReadStream(file);
  if (dialect.compression === 'gzip') stream = stream.pipe(createGunzip());
  const utf16 = dialect.encoding === 'utf-16' ? new TextDecoder('utf-16le') : undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      yield utf16 ? Buffer.from(utf16.decode(chunk, { stream: true }), 'utf8') : chunk;
    }
  } finally {
    stream.destroy();
  }
}
