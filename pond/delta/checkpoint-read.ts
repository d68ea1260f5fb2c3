import path from 'node:path';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import { type Action, type ActionSource, parseAction } from './actions.js';
import { type CheckpointRef, LOG_DIR, logDir } from './log-listing.js';
import { openParquetRows, readParquetRows, topLevelColumns } from './parquet-rows.js';

/**
 * Reads a classic or multi-part V1 checkpoint. Each row holds one action in its own struct
 * column (PROTOCOL "Checkpoints"); fields a writer left out read as absent, and a part without
 * a column has none of those actions. The rows are read in JS (parquet-rows.ts), so opening a
 * table never loads DuckDB.
 */

/**
 * Which rows to read: everything, everything but the removes (opening a table: tombstones are
 * not needed to read it, and a long history can leave many), or only the removes.
 */
export type CheckpointPart = 'all' | 'state' | 'removes';

/** The actions replay uses, in the order parseAction tries them. */
const STATE_COLUMNS = ['add', 'txn', 'metaData', 'protocol'];

export async function readCheckpoint(
  root: string,
  ref: CheckpointRef,
  part: CheckpointPart = 'all',
): Promise<Action[]> {
  const files = ref.files.map((f) => path.join(logDir(root), f));
  const where = `${LOG_DIR}/${ref.files[0]}${ref.files.length > 1 ? ` (+${ref.files.length - 1} parts)` : ''}`;
  const src: ActionSource = { file: where, version: ref.version };
  const wanted =
    part === 'all' ? ['remove', ...STATE_COLUMNS] : part === 'state' ? STATE_COLUMNS : ['remove'];
  try {
    const actions: Action[] = [];
    for (const f of files) {
      const file = await openParquetRows(f);
      const present = topLevelColumns(file);
      const columns = wanted.filter((c) => present.has(c));
      if (columns.length === 0) continue;
      for (const row of await readParquetRows(file, columns)) {
        const a = parseAction(plain(row), src);
        // Checkpoints carry no provenance (PROTOCOL "Checkpoints"); ignore one if a writer kept it.
        if (a && !('commitInfo' in a)) actions.push(a);
      }
    }
    return actions;
  } catch (e) {
    if (e instanceof PondError && e.code === ErrorCode.DeltaCorrupt) throw e;
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `checkpoint ${where} (version ${ref.version}) cannot be read: ${messageOf(e)}`,
      {
        input: files[0],
        cause: e,
      },
    );
  }
}

/**
 * A checkpoint value as its JSON action would hold it: longs as numbers (the log's JSON has no
 * other integers), structs and maps as objects. parseAction validates the result.
 */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}
