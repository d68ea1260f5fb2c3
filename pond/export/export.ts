import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExportFormat } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { formatUtc } from '../query/time.js';
import type { Pond } from '../tlogfs/pond.js';
import type { Job } from '../job/job.js';
import { checkTarget, partitionCounts, type CheckedTarget } from './checked-target.js';
import { writeCsv } from './csv-writer.js';
import { exportSession } from './export-session.js';
import { checkOutDir, checkRange, partitionPath, partitionPeriod, usRange } from './export-plan.js';
import {
  METADATA_FILE,
  insertLeaf,
  type ExportLeaf,
  type ExportMetadata,
  type ExportedFile,
} from './metadata.js';
import { checkOutput } from './output-check.js';
import { ensureOutputFolder, refuseCaseCollisions, removeFolders } from './output-folder.js';
import { firstInsidePond } from '../tlogfs/real-paths.js';
import { pagePlaces, refusePageClashes, type PagePlace } from './page-places.js';
import { writeParquet } from './parquet-writer.js';
import { publishOutput, type StagedOutput } from './publish-output.js';
import { removeAbandoned, stagingDir } from './staging.js';
import { findTargets, type ExportTarget } from './targets.js';
import { partExpression, type TemporalPart } from './temporal.js';
import { loadTemplates, renderTemplate } from './templates.js';

export interface ExportRequest {
  patterns: string[];
  /** Host folder to write into (made when missing). */
  outDir: string;
  temporal: TemporalPart[];
  /** Inclusive bounds, ms since the epoch (UTC). */
  startMs?: number;
  endMs?: number;
  /** Template locations: pond paths or host:/// URLs. */
  templates: string[];
  vars: Record<string, string>;
  /** The files' format: Parquet (the default), or CSV for spreadsheets. */
  format?: ExportFormat;
  asOf?: number;
  /** Host paths (host:///) resolve inside this folder. */
  hostRoot?: string;
}

export interface ExportResult {
  metadata: ExportMetadata;
  /** Per target, in order: its pattern, its place under OUT, and what was written. */
  written: { pattern: string; out: string; leaf: ExportLeaf }[];
  /** Host path of export.json. */
  metadataFile: string;
  /** Host paths of rendered pages. */
  pages: string[];
}

/**
 * `pond export` (DESIGN §5): every target is checked before anything is written (a missing or
 * nullable timestamp, bad templates, a place holding files no export wrote), then each target is
 * written to a staging folder inside OUT and renamed into place, replacing what an earlier
 * export wrote there. An error or a cancel leaves no partial target, no staging folder, and no
 * output folder the export made itself. The metadata (what was written) is returned and saved
 * as OUT/export.json.
 */
export async function runExport(pond: Pond, req: ExportRequest, job: Job): Promise<ExportResult> {
  checkRange(req);
  await checkOutDir(req.outDir);
  const session = await exportSession(pond, job);
  try {
    return await pond.read(async (txn) => {
      job.progress({ done: 0, message: 'finding targets' });
      const targets = await findTargets(txn, req.patterns);
      const templates = await loadTemplates(txn, req.templates, req.hostRoot);
      const pages = pagePlaces(templates, targets);
      refusePageClashes(pages, targets);
      const places = [...targets.map((t) => t.out), ...pages.map((p) => p.path)];
      const inside = await firstInsidePond(pond.layout.root, req.outDir, places);
      if (inside !== undefined) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `export would write ${inside}, inside the pond's own folder ${pond.layout.root}: export to a folder outside it`,
          { input: req.outDir },
        );
      }
      await checkOutput(req.outDir, places);
      const checked = new Map<ExportTarget, CheckedTarget>();
      for (const t of targets) {
        if (t.node.type !== 'data')
          checked.set(t, await checkTarget(txn, session, t, usRange(req)));
      }
      const made = await ensureOutputFolder(req.outDir, `export folder ${req.outDir}`);
      // What an export killed midway (kill -9) left here: its staging folder, old outputs aside.
      await removeAbandoned(req.outDir, [...places, METADATA_FILE]);
      let published = false;
      const staging = await stagingDir(req.outDir);
      try {
        refuseCaseCollisions(
          staging,
          targets.map((t) => t.out),
          ErrorCode.ExportError,
        );
        const metadata: ExportMetadata = {
          pond: pond.identity.id,
          txn: txn.seq,
          created: formatUtc(Date.now()),
          format: req.format ?? 'parquet',
          temporal: req.temporal,
          start: req.startMs === undefined ? null : formatUtc(req.startMs),
          end: req.endMs === undefined ? null : formatUtc(req.endMs),
          exports: {},
          pages: pages.map((p) => p.path),
          kept: [],
        };
        // Everything is written into the staging folder first; only then is it moved into place,
        // so a failure or a cancel (including a template that fails to render) leaves OUT as it was.
        const staged: StagedOutput[] = [];
        const written: ExportResult['written'] = [];
        let rows = 0;
        let files = 0;
        const step = 100;
        for (const [i, t] of targets.entries()) {
          job.checkCancelled();
          const stage = join(staging, String(i));
          const c = checked.get(t);
          const onProgress = (percent: number) =>
            job.progress({
              done: i * step + Math.floor(percent),
              total: targets.length * step,
              message: `writing ${t.path} (${i + 1} of ${targets.length}): ${Math.floor(percent)}%`,
            });
          const leaf = c
            ? await writeTable(session, c, stage, req, onProgress)
            : await writeData(t, stage);
          staged.push({ from: stage, to: t.out });
          insertLeaf(metadata.exports, t.pattern, leaf);
          written.push({ pattern: t.pattern, out: t.out, leaf });
          rows += leaf.files.reduce((n, f) => n + f.rows, 0);
          files += leaf.files.length;
          job.progress({
            done: (i + 1) * step,
            total: targets.length * step,
            message: `wrote ${i + 1} of ${targets.length} targets: ${files} files, ${rows} rows`,
          });
        }
        refusePageClashes(
          pages,
          targets,
          written.flatMap((w) => w.leaf.files.map((f) => f.path)),
        );
        // Checked again: files may have been put there while the data was written.
        const output = await checkOutput(req.outDir, places);
        metadata.kept = output.kept;
        staged.push(...(await renderPages(pages, metadata, req, staging)));
        await writeFile(join(staging, METADATA_FILE), JSON.stringify(metadata, null, 2) + '\n');
        staged.push({ from: join(staging, METADATA_FILE), to: METADATA_FILE });
        job.checkCancelled();
        published = true;
        await publishOutput(req.outDir, pond.identity.id, staged, output.abandoned);
        return {
          metadata,
          written,
          metadataFile: join(req.outDir, METADATA_FILE),
          pages: pages.map((p) => join(req.outDir, p.path)),
        };
      } finally {
        await rm(staging, { recursive: true, force: true });
        if (!published) await removeFolders(made);
      }
    }, req.asOf);
  } finally {
    session.close();
  }
}

async function writeTable(
  session: DuckSession,
  c: CheckedTarget,
  stage: string,
  req: ExportRequest,
  onProgress: (percent: number) => void,
): Promise<ExportLeaf> {
  const files =
    req.format === 'csv'
      ? await writeCsvTarget(session, c, stage, req, onProgress)
      : await writeParquetTarget(session, c, stage, req, onProgress);
  return {
    source: c.target.path,
    type: c.target.node.type,
    captures: c.target.captures,
    schema: c.schema,
    // In time order (day=2 before day=10), as the dry run lists them.
    files: files.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '')),
  };
}

async function writeParquetTarget(
  session: DuckSession,
  c: CheckedTarget,
  stage: string,
  req: ExportRequest,
  onProgress: (percent: number) => void,
): Promise<ExportedFile[]> {
  const written = await writeParquet(session, c.relation, stage, {
    partitionBy: req.temporal.map((part) => ({
      name: part,
      expression: partExpression(part, ident('timestamp')),
    })),
    onProgress,
  });
  return written.map((w) => {
    const path = `${c.target.out}/${w.relPath}`;
    const values = Object.fromEntries(req.temporal.map((p) => [p, Number(w.partition[p])]));
    return { path, ...partitionPeriod(req.temporal, values, path), rows: w.rows, bytes: w.bytes };
  });
}

/**
 * CSV: DuckDB does not count the rows of each CSV file it writes, so they come from the same
 * GROUP BY the dry run makes, over the same snapshot; the COPY's own total must agree.
 */
async function writeCsvTarget(
  session: DuckSession,
  c: CheckedTarget,
  stage: string,
  req: ExportRequest,
  onProgress: (percent: number) => void,
): Promise<ExportedFile[]> {
  const counts = await partitionCounts(session, c, req.temporal);
  const expected = new Map(
    counts.map((n) => [partitionPath(c.target.out, req.temporal, n.values, 'csv'), n]),
  );
  const { files, rows } = await writeCsv(session, c.relation, c.schema, stage, {
    partitionBy: req.temporal.map((part) => ({
      name: part,
      expression: partExpression(part, `q.${ident('timestamp')}`),
    })),
    onProgress,
  });
  const planned = counts.reduce((n, x) => n + x.rows, 0);
  const out: ExportedFile[] = [];
  for (const w of files) {
    const path = `${c.target.out}/${w.relPath}`;
    const n = expected.get(path);
    if (!n) throw mismatch(c, `wrote ${path}, which the row counts do not have`);
    expected.delete(path);
    out.push({
      path,
      ...partitionPeriod(req.temporal, n.values, path),
      rows: n.rows,
      bytes: w.bytes,
    });
  }
  const missing = [...expected.entries()].filter(([, n]) => n.rows > 0);
  if (missing.length > 0 || rows !== planned)
    throw mismatch(c, `counted ${planned} rows, DuckDB wrote ${rows}`);
  return out;
}

function mismatch(c: CheckedTarget, why: string): PondError {
  return new PondError(ErrorCode.Internal, `CSV export of ${c.target.path}: ${why}`, {
    input: c.target.path,
  });
}

/** Data files are copied byte for byte. */
async function writeData(t: ExportTarget, stage: string): Promise<ExportLeaf> {
  const bytes = await t.node.read();
  await mkdir(dirname(stage), { recursive: true });
  await writeFile(stage, bytes);
  return {
    source: t.path,
    type: 'data',
    captures: t.captures,
    schema: [],
    files: [{ path: t.out, start: null, end: null, rows: 0, bytes: bytes.length }],
  };
}

/**
 * Renders each page, for its target's folder, with `export` (all the metadata), `target` (the
 * target's leaf), `args` (its captures) and `vars` (--var).
 */
async function renderPages(
  pages: PagePlace[],
  metadata: ExportMetadata,
  req: ExportRequest,
  staging: string,
): Promise<StagedOutput[]> {
  const out: StagedOutput[] = [];
  const leafOf = (t: ExportTarget): ExportLeaf => {
    let node: unknown = metadata.exports[t.pattern];
    for (const c of t.captures) node = (node as Record<string, unknown>)[c];
    return node as ExportLeaf;
  };
  for (const [i, p] of pages.entries()) {
    const text = renderTemplate(p.template, {
      export: metadata,
      target: leafOf(p.target),
      args: p.target.captures,
      vars: req.vars,
    });
    const from = join(staging, `page-${i}`);
    await writeFile(from, text);
    out.push({ from, to: p.path });
  }
  return out;
}
