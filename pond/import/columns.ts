import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ColumnOverride, ImportColumn } from '../../shared/import.js';
import { checkColumnNames as checkNames } from '../query/column-names.js';

/** The column an override names: `#N` (1-based position) or its name in the file. */
export function findColumn(
  columns: ImportColumn[],
  ref: string,
  label: string,
  flag: string,
): ImportColumn {
  const m = /^#(\d+)$/.exec(ref);
  const found = m
    ? columns.find((c) => c.position === Number(m[1]))
    : columns.find((c) => c.source === ref);
  if (!found) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label} has no column ${m ? `at position ${m[1]} (it has ${columns.length})` : `'${ref}'`} (${flag}); its columns: ${columns.map((c) => c.source || `#${c.position}`).join(', ')}`,
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
): { userTyped: Set<ImportColumn> } {
  const userTyped = new Set<ImportColumn>();
  for (const o of overrides) {
    const c = findColumn(columns, o.column, label, `--column ${o.column}`);
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
export function checkColumnNames(columns: ImportColumn[], label: string): void {
  const kept = columns.filter((c) => !c.skip);
  if (kept.length === 0) {
    throw new PondError(ErrorCode.BadInput, `${label}: every column is skipped`, {
      input: label,
    });
  }
  checkNames(
    kept,
    label,
    (n) => `rename it with --column '#${n}=NEW_NAME' (or skip it with --skip-column '#${n}')`,
  );
}
