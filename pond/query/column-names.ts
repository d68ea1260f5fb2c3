import { ErrorCode, PondError } from '../../shared/errors.js';

/** A column as the user sees it: its 1-based position in the file and the name it gets. */
export interface NamedColumn {
  position: number;
  name: string;
}

/**
 * The names of a table's columns must be non-empty, printable, and unique, compared as DuckDB
 * compares them (ignoring case; DuckDB itself would rename a second `a` to `a_1` without a word).
 * `fix` says how the user names column N otherwise, where the read was asked for.
 */
export function checkColumnNames(
  columns: NamedColumn[],
  label: string,
  fix: (position: number) => string,
): void {
  const seen = new Map<string, NamedColumn>();
  for (const c of columns) {
    if (c.name.trim() === '') {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: column ${c.position} has no name; ${fix(c.position)}`,
        { input: label },
      );
    }
    if (/[\u0000-\u001f\u007f]/.test(c.name)) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: the name of column ${c.position} (${JSON.stringify(c.name)}) holds control characters; ${fix(c.position)}`,
        { input: label },
      );
    }
    const key = c.name.toLowerCase();
    const other = seen.get(key);
    if (other) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: columns ${other.position} and ${c.position} are both named '${c.name}'${other.name === c.name ? '' : ` ('${other.name}')`}; ${fix(c.position)}`,
        { input: label },
      );
    }
    seen.set(key, c);
  }
}
