import { ErrorCode, PondError } from '../../shared/errors.js';
import type { SchemaChange } from '../../shared/import.js';
import type { FileNode } from '../tinyfs/node.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { nodeRelation } from './node-relation.js';
import { describeRelation, type ColumnInfo } from './parquet-file.js';

/**
 * The one check of a new table or series version against what is stored, shared by every writer
 * of versions (imports, collectors): the same columns with the same types pass, and so do added
 * columns (readers take the union by name); a stored column that is missing or would change type
 * is refused, as is a series changing its event-time column. Writers run it inside their write
 * transaction, so it compares with what is really there.
 */

/** What is stored at a file now. */
export interface StoredSchema {
  versions: number;
  /** Tables and series: the columns readers see now. */
  columns?: ColumnInfo[];
  /** Series: the event-time column its versions record. */
  timestampColumn?: string;
}

/** What is stored at a file now: its versions, and for tables and series the schema readers see. */
export async function storedSchema(
  txn: PondTxn,
  node: FileNode,
  path: string,
): Promise<StoredSchema> {
  const versions = await node.versions();
  const out: StoredSchema = { versions: versions.length };
  if (node.type === 'data' || versions.length === 0) return out;
  const relation = await nodeRelation(node, path, { txn, expanding: [] });
  out.columns = await describeRelation(txn.session, relation);
  const recorded = versions.find((v) => v.timestampColumn !== undefined)?.timestampColumn;
  if (recorded !== undefined) out.timestampColumn = recorded;
  return out;
}

/** Every stored and new column of a new version, stored order first. */
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

/** Why a new version with these columns cannot join what is stored (empty: it can). */
export function appendProblems(
  stored: StoredSchema,
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

/** The refusal of a new version; `outcome` says what did not happen ("nothing was imported"). */
export function appendRefused(
  label: string,
  target: string,
  problems: string[],
  outcome = 'nothing was imported',
): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${label} cannot be a new version of '${target}':\n${problems.map((p) => `  ${p}`).join('\n')}\nnew columns are fine (readers see the union by name), but a stored column keeps its name and type; ${outcome}`,
    { input: label },
  );
}

/**
 * Checks a new version of `node` (at `path`) inside the write transaction and throws the
 * refusal when it cannot join what is stored. Returns what is stored.
 */
export async function checkNewVersion(
  txn: PondTxn,
  node: FileNode,
  path: string,
  fresh: { name: string; type: string }[],
  timestampColumn: string | undefined,
  label: string,
  outcome?: string,
): Promise<StoredSchema> {
  const stored = await storedSchema(txn, node, path);
  const problems = appendProblems(stored, fresh, timestampColumn);
  if (problems.length > 0) throw appendRefused(label, path, problems, outcome);
  return stored;
}
