import { ErrorCode, PondError } from '../../shared/errors.js';
import type { SchemaChange } from '../../shared/import.js';
import type { StoredFile } from './targets.js';

/** Every stored and new column of an append, stored order first. */
export function schemaChanges(
  stored: { name: string; type: string }[],
  fresh: { name: string; type: string }[],
): SchemaChange[] {
  const out: SchemaChange[] = [];
  for (const s of stored) {
    const f = fresh.find((c) => c.name === s.name);
    if (!f) out.push({ column: s.name, change: 'missing', storedType: s.type });
    else
      out.push({
        column: s.name,
        change: f.type === s.type ? 'same' : 'type',
        storedType: s.type,
        newType: f.type,
      });
  }
  for (const f of fresh) {
    if (!stored.some((s) => s.name === f.name))
      out.push({ column: f.name, change: 'added', newType: f.type });
  }
  return out;
}

/**
 * Why a new version with these columns cannot join what is stored. The same columns with the
 * same types pass, and so do added columns (readers take the union by name); a stored column that
 * is missing or would change type is refused, as is a series changing its event-time column.
 */
export function appendProblems(
  stored: StoredFile,
  fresh: { name: string; type: string }[],
  timestampColumn: string | undefined,
): string[] {
  const out: string[] = [];
  for (const c of schemaChanges(stored.columns ?? [], fresh)) {
    if (c.change === 'type')
      out.push(`column '${c.column}' is stored as ${c.storedType} and would be ${c.newType}`);
    if (c.change === 'missing')
      out.push(`column '${c.column}' (${c.storedType}) is stored and missing from the new file`);
  }
  if (
    stored.timestampColumn !== undefined &&
    timestampColumn !== undefined &&
    stored.timestampColumn !== timestampColumn
  ) {
    out.push(
      `the series records its event time in '${stored.timestampColumn}', and the new version in '${timestampColumn}'`,
    );
  }
  return out;
}

export function appendRefused(label: string, target: string, problems: string[]): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${label} cannot be a new version of '${target}':\n${problems.map((p) => `  ${p}`).join('\n')}\nnew columns are fine (readers see the union by name), but a stored column keeps its name and type; nothing was imported`,
    { input: label },
  );
}
