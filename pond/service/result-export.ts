import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ResultExportRequest, ResultExportSummary, ResultFormat } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { withQueryProgress } from '../duckdb/query-progress.js';
import { ident, literal } from '../duckdb/sql.js';
import { textCopyOptions, textSelectList } from '../export/text-columns.js';
import { queryError } from '../query/run-query.js';
import { ownStagingFolder } from '../tlogfs/staging.js';
import { positionalAlias } from './arrow-page.js';
import type { Job } from '../job/job.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';
import { defineSource, orderClause } from './preview.js';

const DEFAULT_SQL = 'SELECT * FROM source';
const EXTENSION: Record<ResultFormat, string> = { csv: 'csv', parquet: 'parquet', jsonl: 'jsonl' };
/** Result files waiting for a download longer than this are left-overs (a crashed server). */
const STALE_MS = 24 * 3600_000;

/** The file name a result gets: the node's name, then the format's extension. */
export function resultFileName(path: string, format: ResultFormat): string {
  const name = basename(path).replace(/\.[^.]*$/, '') || 'result';
  return `${name}.${EXTENSION[format]}`;
}

/**
 * Where results wait: in this process's staging folder of the pond (where the locked query
 * engine may write), which goes when the process ends and, after a crash, is `maintain`'s to
 * remove. (Under cache/ they were a folder `fsck` called foreign, that nothing removed.)
 */
export async function resultsDir(open: OpenPond): Promise<string> {
  return join(await ownStagingFolder(open.pond.layout.blobs), 'exports');
}

/**
 * "Export this result": the whole result of the data grid (the node, the user's SQL over
 * `source`, the sort), not the pages the grid loaded, streamed by DuckDB straight to a CSV,
 * Parquet or JSON-lines file. The SQL runs on the pond's locked-down query engine like the
 * grid's (one SELECT, no host access), so the file is written under the pond's cache (the only
 * folder that engine may write) and then moved where it goes: `deliver` (Electron: the path
 * from the save dialog) or kept for a download (pond serve). A failure or a cancel removes it.
 *
 * CSV and JSON lines write times as ISO-8601 UTC (export/text-columns.ts); Parquet keeps types.
 */
export async function exportResult(
  open: OpenPond,
  req: ResultExportRequest,
  job: Job,
  deliver: string | undefined,
): Promise<{ summary: ResultExportSummary; file: string }> {
  const { relation } = await open.pond.read((txn) => queryableNode(txn, req.path), req.asOf);
  const sql = req.sql !== undefined && req.sql.trim() !== '' ? req.sql.trim() : DEFAULT_SQL;
  const fileName = resultFileName(req.path, req.format);
  const results = await resultsDir(open);
  await removeStale(results);
  const folder = join(results, randomUUID());
  const file = join(folder, fileName);
  await mkdir(folder, { recursive: true });
  let kept = false;
  try {
    const rows = await open.engine.withJobConnection(async (c) => {
      job.checkCancelled();
      await defineSource(c, relation);
      const columns = await open.engine.describeSelect(c, sql);
      if (req.format !== 'csv') refuseDuplicateNames(columns, req.format);
      const select =
        req.format === 'parquet'
          ? columns.map((col, i) => `${ident(`c${i}`)} AS ${ident(col.name)}`).join(', ')
          : textSelectList(columns, (i) => ident(`c${i}`));
      const options =
        req.format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : textCopyOptions(req.format);
      const copy =
        `COPY (SELECT ${select} FROM (\n${sql}\n) AS ${positionalAlias(columns.length)}` +
        `${orderClause(columns, req.sort ?? [])}) TO ${literal(file)} (${options})`;
      job.progress({ done: 0, total: 100, message: `writing ${fileName}` });
      let result;
      try {
        result = await withQueryProgress(
          c,
          () => c.runAndReadAll(copy),
          (p) =>
            job.progress({
              done: Math.floor(p),
              total: 100,
              message: `writing ${fileName}: ${Math.floor(p)}%`,
            }),
        );
      } catch (e) {
        throw queryError(e, sql);
      }
      return Number(result.getRowObjectsJS()[0]?.['Count'] ?? 0);
    }, job.signal);
    job.checkCancelled();
    const bytes = (await stat(file)).size;
    const summary: ResultExportSummary = { format: req.format, rows, bytes, fileName };
    if (deliver === undefined) {
      kept = true;
      return { summary, file };
    }
    job.progress({ done: 100, total: 100, message: `saving ${deliver}` });
    await moveFile(file, deliver);
    return { summary: { ...summary, savedTo: deliver }, file: deliver };
  } finally {
    if (!kept) await rm(folder, { recursive: true, force: true });
  }
}

/** Parquet columns and JSON keys must be unique; CSV headers may repeat. */
function refuseDuplicateNames(columns: { name: string }[], format: ResultFormat): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `the result has two columns named '${c.name}', which ${format === 'parquet' ? 'Parquet' : 'JSON lines'} cannot hold: name them apart with AS (or export CSV)`,
        { input: c.name },
      );
    }
    seen.add(c.name);
  }
}

/**
 * Moves a finished file to its place: a rename on the same disk; otherwise a copy beside the
 * destination renamed over it, so the destination is never a partial file.
 */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
  }
  const partial = join(dirname(to), `.${basename(to)}.pond-partial-${randomUUID()}`);
  try {
    await copyFile(from, partial);
    await rename(partial, to);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

/** Removes result folders older than a day: left by a server that stopped without cleaning up. */
async function removeStale(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs > STALE_MS)
        await rm(path, { recursive: true, force: true });
    } catch {
      // Another server removed it meanwhile.
    }
  }
}
