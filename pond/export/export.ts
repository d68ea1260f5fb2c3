import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { nodeRelation } from '../query/node-relation.js';
import { describeRelation, type ColumnInfo } from '../query/parquet-file.js';
import { windowRelation } from '../query/time-window.js';
import { resolveSource } from '../query/source.js';
import { formatUtc } from '../query/time.js';
import type { Pond } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import type { Job } from '../job/job.js';
import { insertLeaf, type ExportLeaf, type ExportMetadata, type ExportedFile } from './metadata.js';
import { publish, stagingDir, writeParquet } from './parquet-writer.js';
import { findTargets, type ExportTarget } from './targets.js';
import { partExpression, partitionRange, type TemporalPart } from './temporal.js';
import { compileTemplate, renderTemplate, type ExportTemplate } from './templates.js';

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
  asOf?: number;
  /** Host paths (host:///) resolve inside this folder. */
  hostRoot?: string;
}

export interface ExportResult {
  metadata: ExportMetadata;
  /** Host path of export.json. */
  metadataFile: string;
  /** Host paths of rendered pages. */
  pages: string[];
}

export const METADATA_FILE = 'export.json';

/** A table or series target, checked and ready to write. */
interface Planned {
  target: ExportTarget;
  relation: string;
  schema: ColumnInfo[];
}

/**
 * `pond export` (DESIGN §5): every target is checked before anything is written (a missing or
 * nullable timestamp, bad templates), then each target is written to a staging folder inside
 * OUT and renamed into place, replacing its previous export. An error or a cancel leaves no
 * partial target. The metadata (what was written) is returned and saved as OUT/export.json.
 */
export async function runExport(pond: Pond, req: ExportRequest, job: Job): Promise<ExportResult> {
  if (req.startMs !== undefined && req.endMs !== undefined && req.startMs > req.endMs) {
    throw new PondError(ErrorCode.ExportError, `--start-time is after --end-time`, {
      input: `${new Date(req.startMs).toISOString()} > ${new Date(req.endMs).toISOString()}`,
    });
  }
  job.onCancel(() => pond.session.interrupt());
  return pond.read(async (txn) => {
    job.progress({ done: 0, message: 'finding targets' });
    const targets = await findTargets(txn, req.patterns);
    const templates = await loadTemplates(txn, req);
    const planned = new Map<ExportTarget, Planned>();
    for (const t of targets) {
      if (t.node.type !== 'data') planned.set(t, await plan(txn, t, req));
    }
    await mkdir(req.outDir, { recursive: true });
    const staging = await stagingDir(req.outDir);
    try {
      const metadata: ExportMetadata = {
        pond: pond.identity.id,
        txn: txn.seq,
        created: formatUtc(Date.now()),
        temporal: req.temporal,
        start: req.startMs === undefined ? null : formatUtc(req.startMs),
        end: req.endMs === undefined ? null : formatUtc(req.endMs),
        exports: {},
      };
      // Everything is written into the staging folder first; only then is it moved into place,
      // so a failure or a cancel (including a template that fails to render) leaves OUT as it was.
      const staged: { from: string; to: string }[] = [];
      let rows = 0;
      for (const [i, t] of targets.entries()) {
        job.checkCancelled();
        const stage = join(staging, String(i));
        const p = planned.get(t);
        const leaf = p ? await writeTable(pond, p, stage, req) : await writeData(t, stage);
        staged.push({ from: stage, to: join(req.outDir, t.out) });
        insertLeaf(metadata.exports, t.pattern, leaf);
        rows += leaf.files.reduce((n, f) => n + f.rows, 0);
        job.progress({
          done: i + 1,
          total: targets.length,
          message: `wrote ${t.path}: ${leaf.files.length} files, ${rows} rows so far`,
        });
      }
      staged.push(...(await renderPages(templates, targets, metadata, req, staging)));
      await writeFile(join(staging, METADATA_FILE), JSON.stringify(metadata, null, 2) + '\n');
      staged.push({ from: join(staging, METADATA_FILE), to: join(req.outDir, METADATA_FILE) });
      job.checkCancelled();
      for (const { from, to } of staged) await publish(from, to);
      return {
        metadata,
        metadataFile: join(req.outDir, METADATA_FILE),
        pages: staged.filter((x) => x.from.includes(PAGE_PREFIX)).map((x) => x.to),
      };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }, req.asOf);
}

/** The target's rows in the time window, after checking its timestamp column. */
async function plan(txn: PondTxn, target: ExportTarget, req: ExportRequest): Promise<Planned> {
  const timeRange: { startUs?: number; endUs?: number } = {};
  if (req.startMs !== undefined) timeRange.startUs = req.startMs * 1000;
  if (req.endMs !== undefined) timeRange.endUs = req.endMs * 1000;
  const base = await nodeRelation(target.node, target.path, { txn, expanding: [] }, { timeRange });
  const schema = await describeRelation(txn.session, base);
  const ts = schema.find((c) => c.name === 'timestamp');
  if (!ts) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}' has no column named timestamp (export partitions by it); columns: ${schema.map((c) => c.name).join(', ')}`,
      {
        input: target.path,
      },
    );
  }
  if (!ts.type.startsWith('TIMESTAMP')) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}': column timestamp is ${ts.type}, not a timestamp`,
      { input: target.path },
    );
  }
  const nulls = (
    await txn.session.all(`SELECT count(*)::DOUBLE AS n FROM (${base}) WHERE "timestamp" IS NULL`)
  )[0]?.['n'] as number;
  if (nulls > 0) {
    throw new PondError(
      ErrorCode.ExportError,
      `'${target.path}': column timestamp is nullable and holds ${nulls} null values; export needs a non-null timestamp (nothing was written)`,
      { input: target.path },
    );
  }
  const relation = windowRelation(base, 'timestamp', timeRange);
  return { target, relation, schema };
}

async function writeTable(
  pond: Pond,
  p: Planned,
  stage: string,
  req: ExportRequest,
): Promise<ExportLeaf> {
  const written = await writeParquet(pond.session, p.relation, stage, {
    partitionBy: req.temporal.map((part) => ({
      name: part,
      expression: partExpression(part, ident('timestamp')),
    })),
  });
  const files: ExportedFile[] = written.map((w) => {
    const path = `${p.target.out}/${w.relPath}`;
    let start: string | null = null;
    let end: string | null = null;
    if (req.temporal.length > 0) {
      const values = Object.fromEntries(
        req.temporal.map((part) => [part, Number(w.partition[part])]),
      );
      const r = partitionRange(values, path);
      start = formatUtc(r.start.getTime());
      end = formatUtc(r.end.getTime());
    }
    return { path, start, end, rows: w.rows, bytes: w.bytes };
  });
  return {
    source: p.target.path,
    type: p.target.node.type,
    captures: p.target.captures,
    schema: p.schema,
    files,
  };
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

async function loadTemplates(txn: PondTxn, req: ExportRequest): Promise<ExportTemplate[]> {
  const out: ExportTemplate[] = [];
  for (const label of req.templates) {
    const source = await resolveSource(label, {
      session: txn.session,
      txn,
      ...(req.hostRoot ? { hostRoot: req.hostRoot } : {}),
    });
    if (source.kind !== 'bytes') {
      throw new PondError(
        ErrorCode.TemplateError,
        `template ${label} is a ${source.entryType}, not a text file`,
        { input: label },
      );
    }
    out.push(compileTemplate(label, Buffer.from(await source.read()).toString('utf8')));
  }
  return out;
}

const PAGE_PREFIX = 'page-';

/**
 * Renders each template once per target, for the target's folder, with `export` (all the
 * metadata), `target` (this target's leaf), `args` (its captures) and `vars` (--var).
 */
async function renderPages(
  templates: ExportTemplate[],
  targets: ExportTarget[],
  metadata: ExportMetadata,
  req: ExportRequest,
  staging: string,
): Promise<{ from: string; to: string }[]> {
  const pages: { from: string; to: string }[] = [];
  const leafOf = (t: ExportTarget): ExportLeaf => {
    let node: unknown = metadata.exports[t.pattern];
    for (const c of t.captures) node = (node as Record<string, unknown>)[c];
    return node as ExportLeaf;
  };
  for (const [k, tpl] of templates.entries()) {
    for (const [i, t] of targets.entries()) {
      const folder = t.node.type === 'data' ? dirname(t.out) : t.out;
      const text = renderTemplate(tpl, {
        export: metadata,
        target: leafOf(t),
        args: t.captures,
        vars: req.vars,
      });
      const from = join(staging, `${PAGE_PREFIX}${k}-${i}`);
      await writeFile(from, text);
      pages.push({ from, to: join(req.outDir, folder, tpl.outputName) });
    }
  }
  return pages;
}
