import { ErrorCode, PondError } from '../../shared/errors.js';
import type { CsvDialect } from '../../shared/import.js';
import { duckMessage, type DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import { TIMESTAMP, TIMESTAMPTZ, isIntegerType } from './column-types.js';
import { checkColumnNames } from './column-names.js';
import { URL_PARAMETERS } from './csv-advice.js';
import { convertSql, csvReadType, strictCsvRead, type IntegerRead } from './csv-read.js';
import { NOT_WHOLE_ERROR, inexactIntegers, type TextIntegerColumn } from './inexact-integers.js';
import { listRejects, withRejects, type RejectList } from './csv-rejects.js';
import { sniffCsv, type CsvChoices } from './csv-sniff.js';

/**
 * A CSV file read in place, as a table (`csv:///`, `host+csv:///`, csv-directory): read by the
 * same strict reader as an import. DuckDB's sniff is checked against the file's own header line,
 * then the whole file is read with every choice explicit; a row that does not fit is refused with
 * the line an editor shows, a time that does not read is an error (never a NULL), and duplicate or
 * empty column names are refused (never renamed). Times without a zone are UTC, as TIMESTAMPTZ.
 */
export interface CsvFile {
  file: string;
  /** What the user named (the URL), for messages. */
  label: string;
  dialect: CsvDialect;
  /** The columns as the file names them, with the types they are read as. */
  columns: { name: string; type: string }[];
}

/**
 * Sniffs a CSV file and checks the proposal against the file's first lines (nothing is read in
 * full yet); advice in messages names the parameters of csv:/// URLs.
 */
export async function openCsv(
  session: DuckSession,
  file: string,
  label: string,
  compression: CsvDialect['compression'],
  choices: CsvChoices,
): Promise<CsvFile> {
  const sniff = await sniffCsv(session, file, label, compression, choices, URL_PARAMETERS);
  const columns = sniff.columns.map((c) => ({
    name: c.name,
    type: c.type === TIMESTAMP ? TIMESTAMPTZ : c.type,
  }));
  checkColumnNames(
    columns.map((c, i) => ({ position: i + 1, name: c.name })),
    label,
    (n) =>
      `a CSV file read in place keeps the names of its header: fix the header, or import the file with pond copy --column '#${n}=NEW_NAME'`,
  );
  return { file, label, dialect: sniff.dialect, columns };
}

/**
 * The file's rows as a query (`extra`: more read_csv arguments). Integers are read exactly by
 * default (csv-read.ts: a fraction past the sniffed rows fails the read, never rounded);
 * `typed` reads them by DuckDB's integer reader, for the reject scan that names bad lines.
 */
export function csvFileSql(f: CsvFile, extra = '', integers: IntegerRead = 'exact'): string {
  const format = f.dialect.timestampFormat;
  const read = f.columns.map((c) => ({
    name: c.name,
    readType: csvReadType(c.type, format, integers),
  }));
  const exprs = f.columns.map(
    (c, i) => `${convertSql(ident(c.name), read[i]!.readType, c.type)} AS ${ident(c.name)}`,
  );
  return `SELECT ${exprs.join(', ')} FROM ${strictCsvRead(f.file, f.dialect, read, { extra })}`;
}

/** The file's integer columns the exact read takes as text. */
function textIntegers(f: CsvFile): TextIntegerColumn[] {
  const format = f.dialect.timestampFormat;
  return f.columns
    .filter((c) => isIntegerType(c.type) && csvReadType(c.type, format, 'exact') === 'VARCHAR')
    .map((c) => ({ read: c.name, column: c.name, type: c.type }));
}

/** Reads the whole file (every column of every row), refusing it as `csvFailure` says. */
export async function checkCsvRows(session: DuckSession, f: CsvFile): Promise<void> {
  try {
    // count() of every column makes DuckDB read and convert each of them.
    await session.all(`SELECT count(COLUMNS(*)) FROM (${csvFileSql(f)})`);
  } catch (e) {
    throw await csvFailure(session, f, e);
  }
}

/** Writes the file's rows to a Parquet file, refusing the file as `csvFailure` says. */
export async function csvToParquet(
  session: DuckSession,
  f: CsvFile,
  target: string,
): Promise<void> {
  try {
    await session.run(
      `COPY (${csvFileSql(f)}) TO ${literal(target)} (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)`,
    );
  } catch (e) {
    throw await csvFailure(session, f, e);
  }
}

/**
 * Why a strict read failed: the file is read again with DuckDB's reject tables (only now, so a
 * good file costs one read) to name the rows that do not fit, with their lines; anything else is
 * DuckDB's message. An interrupted read is passed on as it is.
 */
async function csvFailure(session: DuckSession, f: CsvFile, e: unknown): Promise<unknown> {
  if (/interrupt/i.test(duckMessage(e))) return e;
  const found = await findRejects(session, f).catch(() => undefined);
  if (found && found.count > 0) {
    const cast = found.rejects.some((r) => r.error === 'cast');
    const inexact = found.rejects.find((r) => r.error === NOT_WHOLE_ERROR);
    const hints = [
      cast
        ? `a value that does not fit the type DuckDB's sniffer gave its column: read markers such as n/a as missing (${URL_PARAMETERS('null', 'n/a')}), or import the file with pond copy and give the column a type (--column NAME:TYPE)`
        : '',
      inexact
        ? `a number with a fraction in a column DuckDB's sniffer took for whole numbers (never rounded): import the file with pond copy and give the column a type that keeps it (--column ${inexact.column}:double, or a decimal type)`
        : '',
    ].filter((h) => h !== '');
    return new PondError(
      ErrorCode.BadInput,
      `${listRejects(f.label, found)}${hints.map((h) => `\n${h}`).join('')}`,
      { input: f.label, cause: e },
    );
  }
  return new PondError(ErrorCode.BadInput, `cannot read ${f.label} as CSV: ${duckMessage(e)}`, {
    input: f.label,
    cause: e,
  });
}

/**
 * The rows that do not fit: those DuckDB's reader cannot read (its reject tables, integers by
 * its integer reader), else the values the exact integer read refuses.
 */
async function findRejects(session: DuckSession, f: CsvFile): Promise<RejectList> {
  const found = await withRejects(session, f.file, f.dialect, (args) =>
    session.all(`SELECT count(COLUMNS(*)) FROM (${csvFileSql(f, args, 'typed')})`),
  );
  if (found.count > 0) return found;
  const read = strictCsvRead(
    f.file,
    f.dialect,
    f.columns.map((c) => ({
      name: c.name,
      readType: csvReadType(c.type, f.dialect.timestampFormat, 'exact'),
    })),
  );
  return inexactIntegers(session, f.file, f.dialect, read, textIntegers(f));
}
