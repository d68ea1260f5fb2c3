import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { duckMessage } from '../duckdb/session.js';

/** DuckDB's names for the types import reasons about. */
export const TIMESTAMPTZ = 'TIMESTAMP WITH TIME ZONE';
export const TIMESTAMP = 'TIMESTAMP';

const INTEGERS = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);

export function isIntegerType(type: string): boolean {
  return INTEGERS.has(type);
}

export function isNumberType(type: string): boolean {
  return isIntegerType(type) || type === 'DOUBLE' || type === 'FLOAT' || type.startsWith('DECIMAL');
}

/** Types that hold an instant (or a day): what a series' event time may be stored as. */
export function isInstantType(type: string): boolean {
  return /^TIMESTAMP/.test(type) || type === 'DATE';
}

/** A type name as the user wrote it, in DuckDB's own spelling (`double` -> `DOUBLE`). */
export async function canonicalType(
  session: DuckSession,
  type: string,
  where: string,
): Promise<string> {
  // The name is put in SQL text, so only what type names are made of gets that far.
  if (!isTypeName(type.trim())) {
    throw new PondError(ErrorCode.InvalidArgument, `${where}: '${type}' is not a type name`, {
      input: type,
    });
  }
  try {
    const rows = await session.all<{ t: string }>(
      `SELECT typeof(CAST(NULL AS ${type.trim()})) AS t`,
    );
    return rows[0]!.t;
  } catch (e) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${where}: '${type}' is not a DuckDB type (${duckMessage(e)})`,
      { input: type, cause: e },
    );
  }
}

/**
 * Whether `t` is made only of what DuckDB type names are made of: words, numbers, commas,
 * brackets, and double-quoted field names, with every parenthesis closed inside it (nested types
 * such as `STRUCT("a b" BIGINT, c DOUBLE[])` from a Parquet file). No single quote, no `;`, and
 * no `)` that would close the `CAST(` it is put in.
 */
function isTypeName(t: string): boolean {
  if (!/^[A-Za-z]/.test(t)) return false;
  const tokens = t.match(/"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*|\d+|[\s,()[\]]/g) ?? [];
  if (tokens.join('') !== t) return false;
  let depth = 0;
  for (const tok of tokens) {
    if (tok === '(') depth++;
    else if (tok === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
