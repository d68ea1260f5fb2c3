import { existsSync } from 'node:fs';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { stringList } from '../duckdb/sql.js';
import { liveVersions } from '../tinyfs/live-versions.js';
import type { FileNode, FileVersion } from '../tinyfs/node.js';
import { missingBlob } from '../tlogfs/blob-store.js';
import {
  isDerivedFile,
  type QueryContext,
  type RelationOptions,
  type TimeRange,
} from './queryable.js';

/**
 * The relation of a table or series node, as SQL usable in `FROM (...)`:
 * - a stored table: its latest version's Parquet file;
 * - a stored series: the union (by column name) of its live versions (all of them, unless it was
 *   restored: see live-versions.ts), skipping versions whose recorded event-time bounds fall
 *   outside `options.timeRange`;
 * - a derived node: whatever its factory builds (composed into one DuckDB plan).
 */
export async function nodeRelation(
  node: FileNode,
  path: string,
  ctx: QueryContext,
  options: RelationOptions = {},
): Promise<string> {
  if (isDerivedFile(node)) {
    if (ctx.expanding.some((e) => e.id === node.id)) {
      const chain = [...ctx.expanding.map((e) => e.path), path].join(' -> ');
      throw new PondError(ErrorCode.Cycle, `'${path}' reads itself: ${chain}`, { input: path });
    }
    return node.relation({ ...ctx, expanding: [...ctx.expanding, { id: node.id, path }] }, options);
  }
  if (node.type === 'data') {
    throw new PondError(
      ErrorCode.WrongType,
      `'${path}' is a data file, not a table or series (read it as csv:///${path.replace(/^\//, '')} or series:///... if it holds CSV or Parquet)`,
      { input: path },
    );
  }
  const versions = liveVersions(node.type, await node.versions());
  if (versions.length === 0) {
    throw new PondError(ErrorCode.NotFound, `'${path}' has no versions`, { input: path });
  }
  if (node.type === 'table')
    return parquetRelation([blobPathOf(versions[versions.length - 1]!, path)], false);
  const chosen = pruneByTime(versions, options.timeRange);
  if (chosen.length === 0) {
    // Nothing overlaps the window: an empty relation that still has the series' columns.
    return `${parquetRelation([blobPathOf(versions[versions.length - 1]!, path)], false)} WHERE false`;
  }
  return parquetRelation(
    chosen.map((v) => blobPathOf(v, path)),
    true,
  );
}

/** Versions whose event-time bounds may overlap the window (unknown bounds are kept). */
export function pruneByTime(versions: FileVersion[], range: TimeRange | undefined): FileVersion[] {
  if (!range) return versions;
  return versions.filter(
    (v) =>
      !(
        range.startUs !== undefined &&
        v.maxEventTimeUs !== undefined &&
        v.maxEventTimeUs < range.startUs
      ) &&
      !(
        range.endUs !== undefined &&
        v.minEventTimeUs !== undefined &&
        v.minEventTimeUs > range.endUs
      ),
  );
}

/** `read_parquet` over files; several files are unioned by column name. */
export function parquetRelation(files: string[], unionByName: boolean): string {
  if (files.length === 0) {
    throw new PondError(ErrorCode.Internal, 'parquetRelation needs at least one file');
  }
  const list = files.length === 1 ? stringList(files).slice(1, -1) : stringList(files);
  return `SELECT * FROM read_parquet(${list}${unionByName && files.length > 1 ? ', union_by_name = true' : ''})`;
}

function blobPathOf(v: FileVersion, path: string): string {
  if (!v.blobPath) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `version ${v.version} of '${path}' has no Parquet file`,
      {
        input: path,
      },
    );
  }
  // Checked here so a missing file says what it means, not DuckDB's "No files found".
  if (!existsSync(v.blobPath)) throw missingBlob(v.blobPath, `version ${v.version} of '${path}'`);
  return v.blobPath;
}
