import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CsvDialect, ImportReject } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';

/** Rejected rows listed in messages and previews; the count is always complete. */
export const REJECTS_SHOWN = 100;

export interface RejectList {
  rejects: ImportReject[];
  count: number;
}

/** The rejected rows, and (when asked for) the line of every one of them. */
export type FoundRejects<T> = { result: T; allLines?: Set<number> } & RejectList;

/**
 * Runs `fn` with the read_csv arguments that make DuckDB skip the rows it cannot read and record
 * them (`store_rejects`), then returns those rows with the file's line numbers. The reject tables
 * are dropped afterwards, whatever happens.
 */
export async function withRejects<T>(
  session: DuckSession,
  file: string,
  dialect: CsvDialect,
  fn: (rejectArgs: string) => Promise<T>,
  allLines = false,
): Promise<FoundRejects<T>> {
  const tag = randomUUID().replaceAll('-', '');
  const table = `import_rejects_${tag}`;
  const scans = `import_scans_${tag}`;
  try {
    const result = await fn(
      `store_rejects = true, rejects_table = ${literal(table)}, rejects_scan = ${literal(scans)}`,
    );
    const count =
      (
        await session.all<{ n: number }>(
          `SELECT count(DISTINCT line)::DOUBLE AS n FROM ${ident(table)}`,
        )
      )[0]?.n ?? 0;
    // DuckDB may record several errors for one row (one per missing column): one each.
    const rows = await session.all(
      `SELECT line::DOUBLE AS line, line_byte_position::DOUBLE AS pos, column_name,
              error_type::VARCHAR AS error_type, error_message, csv_line
       FROM ${ident(table)}
       QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1
       ORDER BY line LIMIT ${REJECTS_SHOWN}`,
    );
    const lines = await fileLines(
      file,
      dialect,
      rows.map((r) => r['pos'] as number),
    );
    const rejects = rows.map((r, i) => ({
      line: lines?.[i] ?? (r['line'] as number),
      column: (r['column_name'] as string | null) ?? null,
      error: (r['error_type'] as string).toLowerCase(),
      message: firstLine(r['error_message'] as string).replace("to 'TIMESTAMP_NS'", 'to a time'),
      text: ((r['csv_line'] as string | null) ?? '').slice(0, 200),
    }));
    if (!allLines) return { result, rejects, count };
    const every = await session.all<{ line: number; pos: number }>(
      `SELECT DISTINCT line::DOUBLE AS line, line_byte_position::DOUBLE AS pos FROM ${ident(table)}`,
    );
    const mapped = await fileLines(
      file,
      dialect,
      every.map((r) => r.pos),
    );
    return {
      result,
      rejects,
      count,
      allLines: new Set(every.map((r, i) => mapped?.[i] ?? r.line)),
    };
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${ident(table)}`).catch(() => undefined);
    await session.run(`DROP TABLE IF EXISTS ${ident(scans)}`).catch(() => undefined);
  }
}

/**
 * The 1-based line of the file at each byte position DuckDB reports for a rejected row (lines end
 * with \n, \r\n or \r). DuckDB's own `line` counts records, which is not the line an editor shows
 * when a quoted field holds a line break. Positions count the file's bytes as UTF-8 (a Latin-1
 * byte above 0x7f takes two); for UTF-16 (and zstd, which Node cannot always read) DuckDB's
 * count is kept.
 */
async function fileLines(
  file: string,
  dialect: CsvDialect,
  positions: number[],
): Promise<number[] | undefined> {
  if (positions.length === 0) return [];
  if (dialect.encoding === 'utf-16' || dialect.compression === 'zstd') return undefined;
  const latin1 = dialect.encoding === 'latin-1';
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(positions.length);
  let stream: Readable = createReadStream(file);
  if (dialect.compression === 'gzip') stream = stream.pipe(createGunzip());
  let at = 0; // UTF-8 offset of the next byte
  let line = 1;
  let afterCR = false;
  let k = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let j = 0; j < chunk.length && k < order.length; j++) {
      while (k < order.length && order[k]!.p <= at) out[order[k++]!.i] = line;
      const b = chunk[j]!;
      // \n, \r\n and a lone \r (old Mac files) each end a line.
      if (b === 0x0d || (b === 0x0a && !afterCR)) line++;
      afterCR = b === 0x0d;
      at += latin1 && b > 0x7f ? 2 : 1;
    }
    if (k >= order.length) {
      stream.destroy();
      break;
    }
  }
  for (; k < order.length; k++) out[order[k]!.i] = line;
  return out;
}

/** One rejected row as it reads in a message. */
export function rejectLine(r: ImportReject): string {
  return `line ${r.line}: ${r.error}${r.column ? ` (column ${r.column})` : ''}: ${r.message}`;
}

/** Rejected rows as they read in a message: the count and the first lines. */
export function listRejects(label: string, list: RejectList): string {
  const lines = list.rejects.slice(0, 10).map((r) => `  ${rejectLine(r)}`);
  const more = list.count > lines.length ? `\n  ... and ${list.count - lines.length} more` : '';
  return `${label}: ${list.count} row${list.count === 1 ? '' : 's'} could not be read:\n${lines.join('\n')}${more}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
