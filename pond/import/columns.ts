import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ColumnOverride, ImportColumn } from '../../shared/import.js';
import { checkColumnNames as checkNames } from '../query/column-names.js';
import type { ImportAdvice } from './import-advice.js';

/**
 * The column an override names: `#N` (1-based position) or its name in the file. `given` is the
 * override as the user gave it, for the message when there is no such column.
 */
export function findColumn(
  columns: ImportColumn[],
  ref: string,
  label: string,
  given: string,
): ImportColumn {
  const m = /^#(\d+)$/.exec(ref);
  const found = m
    ? columns.find((c) => c.position === Number(m[1]))
    : columns.find((c) => c.source === ref);
  if (!found) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} has no column ${m ? `at position ${m[1]} (it has ${columns.length})` : `'${ref}'`} (${given}); its columns: ${columns.map((c) => c.source || `#${c.position}`).join(', ')}`,
      { input: ref },
    );
  }
  return found;
}

/**
 * Applies renames, types and skips. Types are taken as given here (they are checked and spelled
 * DuckDB's way by the caller); every override must name a column of the file.
 */
export function applyColumnOverrides(
  columns: ImportColumn[],
  overrides: ColumnOverride[],
  label: string,
  advice: ImportAdvice,
): { userTyped: Set<ImportColumn> } {
  const userTyped = new Set<ImportColumn>();
  for (const o of overrides) {
    const given = o.skip ? advice.skipColumn(o.column) : advice.column(o.column, 'name');
    const c = findColumn(columns, o.column, label, given);
    if (o.rename !== undefined) c.name = o.rename;
    if (o.type !== undefined) {
      c.type = o.type;
      userTyped.add(c);
    }
    if (o.skip) c.skip = true;
  }
  return { userTyped };
}

/** The stored names must be non-empty, printable, and unique (DuckDB compares them ignoring case). */
export function checkColumnNames(
  columns: ImportColumn[],
  label: string,
  advice: ImportAdvice,
): void {
  const kept = columns.filter((c) => !c.skip);
  if (kept.length === 0) {
    throw new PondError(ErrorCode.BadInput, `${label}: every column is skipped`, {
      input: label,
    });
  }
  checkNames(
    kept,
    label,
    (n) =>
      `rename it with ${advice.column(`#${n}`, 'rename')} (or skip it with ${advice.skipColumn(`#${n}`)})`,
  );
}
