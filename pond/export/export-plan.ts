import type { ExportFile, ExportPlan, ExportTargetFiles } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { formatUtc, isoFromMicros } from '../query/time.js';
import type { Job } from '../job/job.js';
import type { Pond } from '../tlogfs/pond.js';
import { checkTarget, partitionCounts, type PartitionCount } from './checked-target.js';
import { CSV_FILE } from './csv-writer.js';
import { exportSession } from './export-session.js';
import type { ExportRequest } from './export.js';
import { DATA_FILE } from './parquet-writer.js';
import { findTargets, type ExportTarget } from './targets.js';
import { partitionFolder, partitionRange, type TemporalPart } from './temporal.js';
import { METADATA_FILE } from './metadata.js';
import { checkOutput } from './output-check.js';
import { hostFolderProblem } from './output-folder.js';
import { pagePlaces, refusePageClashes } from './page-places.js';
import { loadTemplates } from './templates.js';

/** The dry run as the engine makes it; callers add the command line they ran. */
export type EnginePlan = Omit<ExportPlan, 'command'>;

/** More partitions than this get a warning: thousands of small files are slow to write and read. */
export const MANY_PARTITIONS = 1000;
const LISTED = 1000;

/**
 * `pond export --dry-run` and the wizard's dry run: every check the run makes (patterns,
 * timestamps, templates), then per target the partitions it would get with their row counts
 * and time ranges (the same GROUP BY over the same relation the run writes), the files earlier
 * exports wrote that it would replace or remove, and warnings; a place holding anything else
 * is refused, as the run refuses it. Writes nothing.
 */
export async function planExport(pond: Pond, req: ExportRequest, job: Job): Promise<EnginePlan> {
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
      // Refused as the run would be, before rows are counted.
      const output = await checkOutput(req.outDir, [
        ...targets.map((t) => t.out),
        ...pages.map((p) => p.path),
      ]);
      const range = usRange(req);
      const planned: ExportTargetFiles[] = [];
      for (const [i, t] of targets.entries()) {
        job.progress({ done: i, total: targets.length, message: `counting rows of ${t.path}` });
        if (t.node.type === 'data') {
          planned.push(await dataTarget(t));
          continue;
        }
        const checked = await checkTarget(txn, session, t, range);
        const counts = await partitionCounts(session, checked, req.temporal);
        planned.push(tableTarget(t, counts, req));
      }
      const dataFiles = planned.flatMap((p) => p.files.map((f) => f.path));
      refusePageClashes(pages, targets, dataFiles);
      const written = new Set([...dataFiles, ...pages.map((p) => p.path), METADATA_FILE]);
      const existing = [...output.ours, ...(output.metadata ? [METADATA_FILE] : [])];
      const replaced = existing.filter((f) => written.has(f)).sort();
      const removed = existing.filter((f) => !written.has(f)).sort();
      const files = planned.reduce((n, p) => n + p.files.length, 0);
      return {
        txn: txn.seq,
        dir: req.outDir,
        format: req.format ?? 'parquet',
        temporal: req.temporal,
        start: req.startMs === undefined ? null : formatUtc(req.startMs),
        end: req.endMs === undefined ? null : formatUtc(req.endMs),
        targets: planned,
        totals: {
          targets: planned.length,
          files,
          rows: planned.reduce((n, p) => n + p.rows, 0),
        },
        replaced: replaced.slice(0, LISTED),
        removed: removed.slice(0, LISTED),
        replacedTotal: replaced.length,
        removedTotal: removed.length,
        warnings: warnings(planned, req, files, removed.length),
      };
    }, req.asOf);
  } finally {
    session.close();
  }
}

/** The output folder must be a folder, or not exist yet (it is made). */
export async function checkOutDir(outDir: string): Promise<void> {
  const problem = await hostFolderProblem(outDir);
  if (problem !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--dir ${outDir}: ${problem} (give a folder to export into; it is made when missing)`,
      { input: outDir },
    );
  }
}

/** The start must not be after the end (both inclusive). */
export function checkRange(req: ExportRequest): void {
  if (req.startMs !== undefined && req.endMs !== undefined && req.startMs > req.endMs) {
    throw new PondError(ErrorCode.ExportError, `--start-time is after --end-time`, {
      input: `${new Date(req.startMs).toISOString()} > ${new Date(req.endMs).toISOString()}`,
    });
  }
}

export function usRange(req: ExportRequest): { startUs?: number; endUs?: number } {
  const range: { startUs?: number; endUs?: number } = {};
  if (req.startMs !== undefined) range.startUs = req.startMs * 1000;
  if (req.endMs !== undefined) range.endUs = req.endMs * 1000;
  return range;
}

/** The file a partition goes to, relative to the output folder. */
export function partitionPath(
  out: string,
  temporal: TemporalPart[],
  values: Partial<Record<TemporalPart, number>>,
  format: ExportRequest['format'],
): string {
  const name = format === 'csv' ? CSV_FILE : DATA_FILE;
  return temporal.length === 0
    ? `${out}/${name}`
    : `${out}/${partitionFolder(temporal, values)}/${name}`;
}

/** A partition's period from its values (null without temporal parts). */
export function partitionPeriod(
  temporal: TemporalPart[],
  values: Partial<Record<TemporalPart, number>>,
  path: string,
): { start: string | null; end: string | null } {
  if (temporal.length === 0) return { start: null, end: null };
  const r = partitionRange(values, path);
  return { start: formatUtc(r.start.getTime()), end: formatUtc(r.end.getTime()) };
}

function tableTarget(
  t: ExportTarget,
  counts: PartitionCount[],
  req: ExportRequest,
): ExportTargetFiles {
  const files: ExportFile[] = counts.map((c) => {
    const path = partitionPath(t.out, req.temporal, c.values, req.format);
    return {
      path,
      ...partitionPeriod(req.temporal, c.values, path),
      rows: c.rows,
      first: c.firstUs === undefined ? null : isoFromMicros(c.firstUs),
      last: c.lastUs === undefined ? null : isoFromMicros(c.lastUs),
    };
  });
  return {
    pattern: t.pattern,
    source: t.path,
    kind: t.node.type,
    captures: t.captures,
    out: t.out,
    rows: files.reduce((n, f) => n + f.rows, 0),
    files,
  };
}

/** A data file is copied byte for byte: one file, its size. */
async function dataTarget(t: ExportTarget): Promise<ExportTargetFiles> {
  const versions = await t.node.versions();
  const bytes = versions.at(-1)?.size ?? (await t.node.read()).length;
  return {
    pattern: t.pattern,
    source: t.path,
    kind: 'data',
    captures: t.captures,
    out: t.out,
    rows: 0,
    files: [{ path: t.out, start: null, end: null, rows: 0, bytes }],
  };
}

function warnings(
  planned: ExportTargetFiles[],
  req: ExportRequest,
  files: number,
  removed: number,
): string[] {
  const out: string[] = [];
  if (files > MANY_PARTITIONS) {
    out.push(
      `${files.toLocaleString('en-US')} files: thousands of small partitions are slow to write and to read; consider fewer time parts (--temporal ${req.temporal.slice(0, -1).join(',') || 'none'})`,
    );
  }
  const tables = planned.filter((p) => p.kind !== 'data');
  const empty = tables.filter((p) => p.rows === 0);
  const ranged = req.startMs !== undefined || req.endMs !== undefined;
  if (tables.length > 0 && empty.length === tables.length) {
    out.push(
      ranged
        ? `the time range holds no rows of any target: the export would write no data`
        : `every target is empty: the export would write no data`,
    );
  } else {
    for (const p of empty) {
      out.push(
        `${p.source} has no rows${ranged ? ' in the time range' : ''}: it gets ${req.temporal.length ? 'no files' : 'an empty file'}`,
      );
    }
  }
  if (removed > 0) {
    out.push(
      `${removed.toLocaleString('en-US')} existing file${removed === 1 ? '' : 's'} under the targets' folders would be removed (not written again)`,
    );
  }
  return out;
}
