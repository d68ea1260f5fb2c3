import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import { copyCsvToParquet, describeRejects, sniffCsv, type CsvOptions } from '../query/csv.js';
import {
  checkParquetMagic,
  describeRelation,
  eventBounds,
  timestampColumn,
} from '../query/parquet-file.js';
import { hostPath } from '../query/source.js';
import { parseUrl, type PondUrl } from '../query/url.js';
import type { FileType } from '../tinyfs/entry-type.js';
import { isDirectory, isFile, type FileContent, type PondNode } from '../tinyfs/node.js';
import type { WD } from '../tinyfs/wd.js';
import { hasTrailingSlash, joinPath, resolvePath } from '../tinyfs/path.js';
import { BlobStore, hashFile } from '../tlogfs/blob-store.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';

export interface CopyInOptions {
  /** The event-time column of series made from CSV or Parquet, when it cannot be inferred. */
  timestampColumn?: string;
  /** Import the rows that parse and report the rejected ones instead of failing. */
  skipRejected?: boolean;
  /** Host paths resolve inside this folder (`-d`). */
  hostRoot?: string;
  /**
   * The destination is the copy itself, existing or not (`pond apply`): a file's path, or the
   * folder that mirrors a host folder. Re-running the same copy then lands in the same place.
   */
  exact?: boolean;
  /** Called with a message when rows were rejected and skipped. */
  onRejected?: (message: string) => void;
}

export interface CopiedFile {
  source: string;
  path: string;
  type: FileType;
  created: boolean;
  rows?: number;
  rejected?: number;
  /** Left alone: the pond already held this content (`pond apply`). */
  unchanged?: boolean;
}

/** One host file to bring in, with the pond path it goes to. */
interface Planned {
  url: PondUrl;
  hostFile: string;
  target: string;
  /** The type it will have: the existing node's when the target exists. */
  type: FileType;
}

/** Host files checked and converted, ready to be placed in a write transaction. */
export interface PreparedCopy {
  items: PreparedFile[];
  /** Removes converted temp files (call once the transaction is over, committed or not). */
  cleanup(): Promise<void>;
}

interface PreparedFile {
  p: Planned;
  content: FileContent;
  rows?: number;
  rejected?: number;
  temp?: string;
}

/**
 * `pond copy` IN: host files into the pond, as one transaction. Every source is checked and
 * converted before anything is written, so bad input changes nothing.
 */
export async function copyIn(
  pond: Pond,
  sources: string[],
  dest: string,
  meta: TxnMeta,
  options: CopyInOptions = {},
): Promise<{ files: CopiedFile[]; seq: number | undefined }> {
  const prepared = await prepareCopyIn(pond, sources, dest, options);
  try {
    const { seq, result } = await pond.write(meta, (txn) => placeCopyIn(txn, prepared));
    return { files: result, seq };
  } finally {
    await prepared.cleanup();
  }
}

/** Plans and converts a copy IN before any transaction starts (the slow, fallible part). */
export async function prepareCopyIn(
  pond: Pond,
  sources: string[],
  dest: string,
  options: CopyInOptions = {},
): Promise<PreparedCopy> {
  const plan = await planCopy(pond, sources, dest, options);
  const blobs = new BlobStore(pond.layout.blobs);
  const items: PreparedFile[] = [];
  const cleanup = async () => {
    for (const x of items) if (x.temp) await rm(x.temp, { force: true });
  };
  try {
    for (const p of plan) items.push({ p, ...(await prepare(pond.session, blobs, p, options)) });
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { items, cleanup };
}

/**
 * Writes prepared files in a write transaction (parents made as needed). With `unchangedOk`, a
 * file whose latest version already has the same content is left alone and reported unchanged;
 * with `refuseExisting` (the hint to show), a file that exists with other content is an error.
 */
export async function placeCopyIn(
  txn: PondTxn,
  prepared: PreparedCopy,
  options: { unchangedOk?: boolean; refuseExisting?: string } = {},
): Promise<CopiedFile[]> {
  const wd = await txn.wd();
  const done: CopiedFile[] = [];
  for (const { p, content, rows, rejected } of prepared.items) {
    await wd.mkdir(resolvePath('..', p.target), { parents: true });
    if (options.unchangedOk || options.refuseExisting) {
      const same = await sameContent(wd, p.target, content);
      if (same && options.unchangedOk) {
        done.push({
          source: p.url.raw,
          path: p.target,
          type: p.type,
          created: false,
          unchanged: true,
        });
        continue;
      }
      if (same === false && options.refuseExisting) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `'${p.target}' exists with other content; ${options.refuseExisting}`,
          { input: p.target },
        );
      }
    }
    const r = await wd.writeFile(p.target, p.type, content);
    const f: CopiedFile = {
      source: p.url.raw,
      path: p.target,
      type: r.node.type,
      created: r.created,
    };
    if (rows !== undefined) f.rows = rows;
    if (rejected !== undefined) f.rejected = rejected;
    done.push(f);
  }
  return done;
}

/** Whether the latest version of the file at `path` holds exactly `content` (undefined: no file). */
async function sameContent(
  wd: WD,
  path: string,
  content: FileContent,
): Promise<boolean | undefined> {
  const r = await wd.lookup(path);
  if (!r.found || !isFile(r.node)) return undefined;
  const versions = await r.node.versions();
  const latest = versions[versions.length - 1];
  if (!latest) return false;
  const sha = content.hostPath
    ? await hashFile(content.hostPath)
    : createHash('sha256')
        .update(content.bytes ?? new Uint8Array())
        .digest('hex');
  return sha === latest.sha256;
}

async function planCopy(
  pond: Pond,
  sources: string[],
  dest: string,
  options: CopyInOptions,
): Promise<Planned[]> {
  if (sources.length === 0)
    throw new PondError(ErrorCode.InvalidArgument, 'copy needs at least one source');
  const files: { url: PondUrl; hostFile: string; rel: string }[] = [];
  const isDirSource: boolean[] = [];
  for (const raw of sources) {
    const url = parseUrl(raw);
    if (!url.host) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `copy IN sources must be host URLs (host:///...), not '${raw}'`,
        { input: raw },
      );
    }
    if (url.format === 'delta') {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `${raw}: copy a Delta table out with cat/export, not into the pond`,
        { input: raw },
      );
    }
    const path = hostPath(url, options);
    const st = await stat(path).catch(() => {
      throw new PondError(ErrorCode.NotFound, `${raw}: ${path} does not exist`, { input: raw });
    });
    isDirSource.push(st.isDirectory());
    if (st.isDirectory()) {
      for (const rel of await walkHost(path))
        files.push({ url, hostFile: join(path, rel), rel: join(basename(path), rel) });
    } else if (st.isFile()) {
      files.push({ url, hostFile: path, rel: basename(path) });
    } else {
      throw new PondError(ErrorCode.BadInput, `${raw}: ${path} is not a regular file or folder`, {
        input: raw,
      });
    }
  }

  return pond.read(async (txn) => {
    const wd = await txn.wd();
    const r = await lookupDestination(wd, options.exact ? dest.replace(/\/*$/, '/') : dest);
    const destIsDir = r.found && isDirectory(r.node);
    const intoDir = !options.exact && (hasTrailingSlash(dest) || destIsDir);
    const single = sources.length === 1 && !isDirSource[0];
    const mirror = sources.length === 1 && (!r.found || options.exact === true);
    if (!intoDir && !single && !mirror) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `copying several sources needs a directory destination, and '${dest}' is not one`,
        { input: dest },
      );
    }
    if (r.found && !destIsDir && hasTrailingSlash(dest)) {
      throw new PondError(ErrorCode.WrongType, `'${dest}' is not a directory`, { input: dest });
    }
    const base = resolvePath(dest);
    const planned: Planned[] = [];
    for (const f of files) {
      let target: string;
      if (intoDir) target = joinPath(base, f.rel);
      else if (single) target = base;
      else target = joinPath(base, f.rel.split('/').slice(1).join('/')); // cp -r into a new folder
      const existing = await wd.lookup(target).catch(() => undefined);
      let type = typeFromUrl(f.url);
      if (existing?.found) {
        if (!isFile(existing.node)) {
          throw new PondError(
            ErrorCode.WrongType,
            `'${target}' is a ${existing.node.type}; cannot copy a file onto it`,
            { input: target },
          );
        }
        if (existing.node.type !== 'data' && type === 'data') {
          throw new PondError(
            ErrorCode.WrongType,
            `'${target}' is a ${existing.node.type}: copy Parquet (host+${existing.node.type}:///) or CSV (host+csv+${existing.node.type}:///) into it`,
            { input: f.url.raw },
          );
        }
        type = existing.node.type; // a new version keeps the node's type
      }
      planned.push({ url: f.url, hostFile: f.hostFile, target, type });
    }
    return planned;
  });
}

/**
 * The destination as it is now. A trailing `/` names a directory that is made (with its
 * parents) when missing; otherwise, as with cp, the parent must exist.
 */
async function lookupDestination(
  wd: WD,
  dest: string,
): Promise<{ found: true; node: PondNode } | { found: false }> {
  try {
    const r = await wd.lookup(dest);
    return r.found ? { found: true, node: r.node } : { found: false };
  } catch (e) {
    if (!isPondError(e, ErrorCode.NotFound)) throw e;
    if (hasTrailingSlash(dest)) return { found: false };
    throw new PondError(
      ErrorCode.NotFound,
      `${e.message}: make it with pond mkdir -p, or end the destination with / to create it`,
      {
        input: dest,
      },
    );
  }
}

function typeFromUrl(url: PondUrl): FileType {
  if (url.format === 'csv') return url.entryType === 'series' ? 'series' : 'table';
  if (url.entryType === 'table' || url.entryType === 'series') return url.entryType;
  return 'data';
}

async function prepare(
  session: DuckSession,
  blobs: BlobStore,
  p: Planned,
  options: CopyInOptions,
): Promise<{ content: FileContent; rows?: number; rejected?: number; temp?: string }> {
  const label = `${p.url.raw}${p.hostFile.endsWith(p.url.path) ? '' : ` (${p.hostFile})`}`;
  if (p.type === 'data') return { content: { hostPath: p.hostFile } };
  if (p.url.format !== 'csv') {
    await checkParquetMagic(p.hostFile, label);
    const content: FileContent = { hostPath: p.hostFile };
    if (p.type === 'series')
      Object.assign(
        content,
        await seriesBounds(session, p.hostFile, options.timestampColumn, label),
      );
    return { content };
  }
  // CSV converted to Parquet with DuckDB's sniffer; rejected rows are never dropped silently.
  const csvOptions: CsvOptions = p.url.compression ? { compression: p.url.compression } : {};
  const temp = await blobs.tempPath('.parquet');
  try {
    const sniff = await sniffCsv(session, p.hostFile, csvOptions);
    let select = (csv: string) => csv;
    if (p.type === 'series') {
      const col = timestampColumn(
        sniff.columns.map((c) => ({ ...c, nullable: true })),
        options.timestampColumn,
        label,
      );
      if (col.type !== 'TIMESTAMP WITH TIME ZONE' && col.type !== 'BIGINT') {
        // Naive or text times are taken as UTC (every session runs in UTC).
        select = (csv) =>
          `SELECT * REPLACE (CAST(${ident(col.name)} AS TIMESTAMPTZ) AS ${ident(col.name)}) FROM (${csv})`;
      }
    }
    const { rejects, rejectCount } = await copyCsvToParquet(
      session,
      p.hostFile,
      csvOptions,
      temp,
      select,
      {
        keepGoing: options.skipRejected ?? false,
      },
    );
    if (rejectCount > 0 && !options.skipRejected) {
      throw new PondError(
        ErrorCode.BadInput,
        `${describeRejects(label, rejects, rejectCount)}\nnothing was imported (use --skip-rejected to import the other rows)`,
        { input: label },
      );
    }
    if (rejectCount > 0) options.onRejected?.(describeRejects(label, rejects, rejectCount));
    const rows = (
      await session.all(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${literal(temp)})`)
    )[0]?.['n'] as number;
    const content: FileContent = { hostPath: temp };
    if (p.type === 'series')
      Object.assign(content, await seriesBounds(session, temp, options.timestampColumn, label));
    return { content, rows, ...(rejectCount > 0 ? { rejected: rejectCount } : {}), temp };
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

async function seriesBounds(
  session: DuckSession,
  file: string,
  asked: string | undefined,
  label: string,
): Promise<Partial<FileContent>> {
  const relation = `SELECT * FROM read_parquet(${literal(file)})`;
  const col = timestampColumn(await describeRelation(session, relation), asked, label);
  const { minUs, maxUs } = await eventBounds(session, relation, col);
  const out: Partial<FileContent> = { timestampColumn: col.name };
  if (minUs !== undefined) out.minEventTimeUs = minUs;
  if (maxUs !== undefined) out.maxEventTimeUs = maxUs;
  return out;
}

async function walkHost(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? join(prefix, e.name) : e.name;
    if (e.isDirectory()) out.push(...(await walkHost(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}
