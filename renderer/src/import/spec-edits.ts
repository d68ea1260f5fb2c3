import type { ImportFileSpec } from '../../../shared/app-import';
import type { ColumnOverride, ImportColumn, ImportOverrides } from '../../../shared/import';

/**
 * How an override names a column: by its name in the file, or by position (`#N`) when `pond copy
 * --column` would read the name otherwise (it holds `:` or `=`, starts with `#`, or is empty).
 */
export function columnRef(c: Pick<ImportColumn, 'source' | 'position'>): string {
  return c.source === '' || /[:=]/.test(c.source) || c.source.startsWith('#')
    ? `#${c.position}`
    : c.source;
}

export interface ColumnChange {
  rename?: string;
  type?: string;
  skip?: boolean;
}

/**
 * The spec with one column's rename, type or skip changed. A rename back to the file's own name,
 * no type, or no skip removes that part of the override (and an empty override goes).
 */
export function withColumn(
  spec: ImportFileSpec,
  column: ImportColumn,
  change: ColumnChange,
): ImportFileSpec {
  const ref = columnRef(column);
  const others = (spec.overrides.columns ?? []).filter((o) => o.column !== ref);
  const before = (spec.overrides.columns ?? []).find((o) => o.column === ref) ?? { column: ref };
  const next: ColumnOverride = { ...before };
  if ('rename' in change) {
    if (change.rename === undefined || change.rename === column.source) delete next.rename;
    else next.rename = change.rename;
  }
  if ('type' in change) {
    if (change.type === undefined || change.type === '') delete next.type;
    else next.type = change.type;
  }
  if ('skip' in change) {
    if (change.skip) next.skip = true;
    else delete next.skip;
  }
  const kept = Object.keys(next).length > 1 ? [...others, next] : others;
  return withOverrides(spec, { columns: kept.length > 0 ? kept : undefined });
}

/** The override a column has now, if any. */
export function overrideOf(spec: ImportFileSpec, column: ImportColumn): ColumnOverride | undefined {
  return spec.overrides.columns?.find((o) => o.column === columnRef(column));
}

/** The spec with some overrides set (a value of undefined removes one). */
export function withOverrides(
  spec: ImportFileSpec,
  change: { [K in keyof ImportOverrides]?: ImportOverrides[K] | undefined },
): ImportFileSpec {
  const overrides: ImportOverrides = { ...spec.overrides };
  for (const [k, v] of Object.entries(change) as [keyof ImportOverrides, unknown][]) {
    if (v === undefined) delete overrides[k];
    else (overrides as Record<string, unknown>)[k] = v;
  }
  return { ...spec, overrides };
}

/**
 * Another kind: the overrides that apply only to the old one go (a timestamp column for a table,
 * the CSV dialect and columns for data), as `pond copy` refuses flags that do not apply.
 */
export function withKind(spec: ImportFileSpec, kind: ImportFileSpec['kind']): ImportFileSpec {
  const o = { ...spec.overrides };
  if (kind !== 'series') {
    delete o.timestampColumn;
    delete o.timestampFormat;
  }
  if (kind === 'data') return { ...spec, kind, overrides: {} };
  return { ...spec, kind, overrides: o };
}
