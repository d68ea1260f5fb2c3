import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { literal } from '../duckdb/sql.js';
import { DATA_FILE, writeParquet } from '../export/parquet-writer.js';
import { nodeRelation } from '../query/node-relation.js';
import { queryError } from '../query/run-query.js';
import { isFile, type FileNode } from '../tinyfs/node.js';
import { visitGlob } from '../tinyfs/visit.js';
import { hashFile } from '../tlogfs/blob-store.js';
import type { Pond } from '../tlogfs/pond.js';
import type { Job } from '../job/job.js';
import { isInside, realpathOfDeepest } from '../tlogfs/real-paths.js';
import { listRemotes } from './remote-config.js';
import { parseRemoteUrl } from './remote-url.js';

/** The manifest of a mirror folder: what `pond mirror` wrote there, so it never touches anything else. */
export const MIRROR_MANIFEST = '.pond-mirror.json';

export interface MirrorOptions {
  /** Which files (default every file: `**` + `/*`). */
  pattern?: string;
  /** Also write tables and series as CSV (`<path>.csv`) beside their Parquet. */
  csv?: boolean;
}

export interface MirrorReport {
  dir: string;
  txn: number;
  /** Host paths (relative to the folder) written in this run. */
  written: string[];
  unchanged: number;
  /** Files of earlier runs no longer matched, removed. */
  removed: string[];
  /** Files of earlier runs that were changed since, left alone and forgotten. */
  kept: string[];
}

interface Entry {
  /** The pond path. */
  path: string;
  type: string;
  format: 'bytes' | 'parquet' | 'csv';
  /** What the pond had (the stored versions' hashes); absent for derived files. */
  source?: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

interface Manifest {
  pond: string;
  txn: number;
  pattern: string;
  files: Record<string, Entry>;
}

interface Output {
  rel: string;
  path: string;
  node: FileNode;
  type: string;
  format: Entry['format'];
  source: string | undefined;
}

/**
 * `pond mirror DIR [PATTERN]`: the pond's files as plain files for other tools: data as its bytes,
 * tables and series as Parquet (a series as the union of its versions), optionally CSV. Only files
 * whose stored versions changed since the last run are written again (derived files are computed
 * and replaced only when their output differs). Everything is written into a staging folder first
 * and checked: a file in DIR that this mirror did not write, or that was changed since, is never
 * replaced or deleted; the run refuses instead, before anything moves.
 */
export async function mirror(
  pond: Pond,
  dir: string,
  options: MirrorOptions = {},
  job?: Job,
): Promise<MirrorReport> {
  const out = resolve(dir);
  const pattern = options.pattern ?? '**/*';
  await refuseOverlap(pond, out);
  await mkdir(out, { recursive: true });
  const manifestPath = join(out, MIRROR_MANIFEST);
  const old = await readManifest(manifestPath);
  if (old && old.pond !== pond.identity.id) {
    throw new PondError(
      ErrorCode.AlreadyExists,
      `${out} mirrors another pond (${old.pond}): mirror this one into another folder`,
      { input: out },
    );
  }
  const staging = join(out, `.pond-mirror-staging-${randomUUID()}`);
  try {
    return await pond.read(async (txn) => {
      const wd = await txn.wd();
      const outputs: Output[] = [];
      const seen = new Set<string>();
      for (const m of await visitGlob(wd, pattern.startsWith('/') ? pattern : `/${pattern}`)) {
        if (!isFile(m.node) || seen.has(m.path)) continue;
        seen.add(m.path);
        const rel = m.path.replace(/^\/+/, '');
        const source = await fingerprint(m.node);
        const base = { path: m.path, node: m.node, type: m.node.type, source };
        if (m.node.type === 'data') outputs.push({ ...base, rel, format: 'bytes' });
        else {
          outputs.push({ ...base, rel, format: 'parquet' });
          if (options.csv) outputs.push({ ...base, rel: `${rel}.csv`, format: 'csv' });
        }
      }
      if (outputs.length === 0) {
        throw new PondError(ErrorCode.NotFound, `no files match ${pattern}`, { input: pattern });
      }
      const files: Record<string, Entry> = {};
      const report: MirrorReport = {
        dir: out,
        txn: txn.seq,
        written: [],
        unchanged: 0,
        removed: [],
        kept: [],
      };
      const conflicts: string[] = [];
      const toPlace: { rel: string; staged: string; entry: Entry }[] = [];
      for (const [i, o] of outputs.entries()) {
        job?.checkCancelled();
        job?.progress({ done: i, total: outputs.length, message: `mirroring ${o.path}` });
        const target = join(out, o.rel);
        const before = old?.files[o.rel];
        const onDisk = await stat(target).catch(() => undefined);
        const untouched =
          before !== undefined &&
          onDisk !== undefined &&
          onDisk.size === before.size &&
          Math.floor(onDisk.mtimeMs) === before.mtimeMs;
        if (untouched && o.source !== undefined && before.source === o.source) {
          files[o.rel] = before;
          report.unchanged++;
          continue;
        }
        const staged = join(staging, String(i));
        await produce(pond, txn, o, staged);
        const sha256 = await hashFile(staged);
        const size = (await stat(staged)).size;
        const entry = { path: o.path, type: o.type, format: o.format, sha256, size, mtimeMs: 0 };
        if (o.source !== undefined) Object.assign(entry, { source: o.source });
        if (onDisk) {
          if (untouched && before.sha256 === sha256) {
            // A derived file computed again to the same bytes: nothing to replace.
            files[o.rel] = { ...entry, mtimeMs: before.mtimeMs };
            report.unchanged++;
            continue;
          }
          if (!untouched && (await hashFile(target)) !== sha256) {
            conflicts.push(
              before
                ? `${o.rel} (changed since the last mirror)`
                : `${o.rel} (not written by pond mirror)`,
            );
            continue;
          }
          if (!untouched) {
            // The same bytes as ours (an earlier run stopped before its manifest): adopt it.
            files[o.rel] = { ...entry, mtimeMs: Math.floor(onDisk.mtimeMs) };
            report.unchanged++;
            continue;
          }
        }
        toPlace.push({ rel: o.rel, staged, entry });
      }
      if (conflicts.length > 0) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `${out}: refusing to replace ${conflicts.length} file${conflicts.length === 1 ? '' : 's'} that pond mirror did not write or that changed since: ${conflicts.slice(0, 5).join(', ')}${conflicts.length > 5 ? ', ...' : ''}; move them away first. Nothing was written.`,
          { input: conflicts[0]!.split(' ')[0]! },
        );
      }
      for (const p of toPlace) {
        const target = join(out, p.rel);
        await mkdir(dirname(target), { recursive: true });
        await rename(p.staged, target);
        files[p.rel] = { ...p.entry, mtimeMs: Math.floor((await stat(target)).mtimeMs) };
        report.written.push(p.rel);
      }
      // Files of earlier runs that are no longer matched: removed if they are as we left them.
      for (const [rel, e] of Object.entries(old?.files ?? {})) {
        if (files[rel]) continue;
        const target = join(out, rel);
        const st = await stat(target).catch(() => undefined);
        if (!st) continue;
        if (st.size === e.size && Math.floor(st.mtimeMs) === e.mtimeMs) {
          await rm(target);
          report.removed.push(rel);
        } else report.kept.push(rel);
      }
      const manifest: Manifest = { pond: pond.identity.id, txn: txn.seq, pattern, files };
      const tmp = join(out, `.pond-mirror-${randomUUID()}.tmp`);
      await writeFile(tmp, JSON.stringify(manifest, null, 1) + '\n');
      await rename(tmp, manifestPath);
      job?.progress({ done: outputs.length, total: outputs.length, message: 'mirrored' });
      return report;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** What identifies a stored file's content: its type and its versions' hashes. */
async function fingerprint(node: FileNode): Promise<string | undefined> {
  const versions = await node.versions();
  if (versions.length === 0) return undefined;
  // Tables and data read their latest version; series the union of all of them.
  const used = node.type === 'series' ? versions : versions.slice(-1);
  return createHash('sha256')
    .update(`${node.type}\n${used.map((v) => `${v.version}:${v.sha256}`).join('\n')}`)
    .digest('hex');
}

async function produce(
  pond: Pond,
  txn: Parameters<Parameters<Pond['read']>[0]>[0],
  o: Output,
  staged: string,
): Promise<void> {
  await mkdir(dirname(staged), { recursive: true });
  if (o.format === 'bytes') {
    await writeFile(staged, await o.node.read());
    return;
  }
  const relation = await nodeRelation(o.node, o.path, { txn, expanding: [] });
  if (o.format === 'parquet') {
    await writeParquet(pond.session, relation, `${staged}.d`);
    await rename(join(`${staged}.d`, DATA_FILE), staged);
    await rm(`${staged}.d`, { recursive: true, force: true });
    return;
  }
  const sql = `COPY (${relation}) TO ${literal(staged)} (FORMAT csv, HEADER)`;
  try {
    await pond.session.run(sql);
  } catch (e) {
    throw queryError(e, sql);
  }
}

async function readManifest(path: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    if (typeof m.pond !== 'string' || typeof m.files !== 'object' || m.files === null)
      throw new Error('missing pond or files');
    return m;
  } catch (e) {
    throw new PondError(
      ErrorCode.BadConfig,
      `${path} is not a pond mirror manifest: ${(e as Error).message}; move it away to start a new mirror`,
      { input: path },
    );
  }
}

/**
 * A mirror folder must not overlap the pond's folder or one of its `file://` backups, either way:
 * a pond file named `data/_delta_log/00000000000000000009.json`, mirrored into the pond's folder
 * (or a folder holding it), would become the pond's next transaction.
 */
async function refuseOverlap(pond: Pond, out: string): Promise<void> {
  const real = await realpathOfDeepest(out);
  const places = [{ what: "the pond's folder", path: pond.layout.root }];
  for (const r of await listRemotes(pond.layout.root)) {
    const where = parseRemoteUrl(r.url);
    if (where.kind === 'file') places.push({ what: `the backup '${r.name}'`, path: where.path });
  }
  for (const p of places) {
    const other = await realpathOfDeepest(p.path);
    if (isInside(other, real) || isInside(real, other)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${out} overlaps ${p.what} (${p.path}): mirror into a folder outside it that does not hold it`,
        { input: out },
      );
    }
  }
}
