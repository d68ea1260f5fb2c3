import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import type { FileNode } from '../tinyfs/node.js';
import { describeRelation, timestampColumn } from './parquet-file.js';
import type { TimeRange } from './queryable.js';

/** A relation's rows whose time column lies in the window (both ends inclusive). */
export function windowRelation(relation: string, column: string, range: TimeRange): string {
  const where: string[] = [];
  const at = (us: number) =>
    `${literal(new Date(Math.floor(us / 1000)).toISOString())}::TIMESTAMPTZ + to_microseconds(${us % 1000})`;
  if (range.startUs !== undefined) where.push(`${ident(column)} >= ${at(range.startUs)}`);
  if (range.endUs !== undefined) where.push(`${ident(column)} <= ${at(range.endUs)}`);
  return where.length === 0 ? relation : `SELECT * FROM (${relation}) WHERE ${where.join(' AND ')}`;
}

/**
 * A table or series limited to a time window on its event-time column: the column its versions
 * recorded, else the one `timestampColumn` finds.
 */
export async function windowOnEventTime(
  session: DuckSession,
  relation: string,
  node: FileNode | undefined,
  label: string,
  range: TimeRange,
): Promise<string> {
  if (range.startUs === undefined && range.endUs === undefined) return relation;
  const recorded = node
    ? (await node.versions()).find((v) => v.timestampColumn !== undefined)?.timestampColumn
    : undefined;
  const column = timestampColumn(await describeRelation(session, relation), recorded, label);
  return windowRelation(relation, column.name, range);
}
