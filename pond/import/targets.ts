import { readdir, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import type { ImportKind } from '../../shared/import.js';
import { storedSchema, type StoredSchema } from '../query/schema-check.js';
import { hostPath } from '../query/host-path.js';
import { parseUrl, type PondUrl } from '../query/url.js';
import { nameProblem, printableName } from '../tinyfs/entry-name.js';
import { isDirectory, isFile, type FileNode, type PondNode } from '../tinyfs/node.js';
import { hasTrailingSlash, joinPath, resolvePath } from '../tinyfs/path.js';
import type { WD } from '../tinyfs/wd.js';
import type { Pond } from '../tlogfs/pond.js';

/** One host file to import and the pond path it goes to, with what is there now. */
export interface ImportTarget {
  url: PondUrl;
  hostFile: string;
  target: string;
  /** What it is stored as: the existing node's type when the target exists. */
  kind: ImportKind;
  existing?: StoredSchema;
}

export interface TargetOptions {
  /** Host paths resolve inside this folder (`-d`). */
  hostRoot?: string;
  /**
   * The destination is the copy itself, existing or not (`pond apply`): a file's path, or the
   * folder that mirrors a host folder. Re-running the same copy then lands in the same place.
   */
  exact?: boolean;
}

/**
 * Where each host file of a copy goes, as `cp` would put it: into an existing directory (or one
 * named with a trailing `/`), onto a file path, or a host folder mirrored into a new folder.
 */
export async function resolveTargets(
  pond: Pond,
  sources: string[],
  dest: string,
  options: TargetOptions = {},
): Promise<ImportTarget[]> {
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
      const found = await walkHost(raw, path);
      if (found.length === 0) {
        throw new PondError(ErrorCode.BadInput, `${raw}: ${path} holds no files: nothing to copy`, {
          input: raw,
        });
      }
      for (const rel of found) {
        checkHostNames(raw, path, rel);
        files.push({ url, hostFile: join(path, rel), rel: join(basename(path), rel) });
      }
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
    const out: ImportTarget[] = [];
    for (const f of files) {
      let target: string;
      if (intoDir) target = joinPath(base, f.rel);
      else if (single) target = base;
      else target = joinPath(base, f.rel.split('/').slice(1).join('/')); // cp -r into a new folder
      const t: ImportTarget = { url: f.url, hostFile: f.hostFile, target, kind: kindOfUrl(f.url) };
      const node = await existingFile(wd, target, t);
      if (node) {
        t.kind = node.type; // a new version keeps the node's type
        t.existing = await storedSchema(txn, node, target);
      }
      out.push(t);
    }
    return out;
  });
}

/** The file at `target`, refusing a directory there or raw data onto a table or series. */
async function existingFile(
  wd: WD,
  target: string,
  t: ImportTarget,
): Promise<FileNode | undefined> {
  const existing = await wd.lookup(target).catch(() => undefined);
  if (!existing?.found) return undefined;
  if (!isFile(existing.node)) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${target}' is a ${existing.node.type}; cannot copy a file onto it`,
      { input: target },
    );
  }
  if (existing.node.type !== 'data' && t.kind === 'data') {
    throw new PondError(
      ErrorCode.WrongType,
      `'${target}' is a ${existing.node.type}: copy Parquet (host+${existing.node.type}:///) or CSV (host+csv+${existing.node.type}:///) into it`,
      { input: t.url.raw },
    );
  }
  return existing.node;
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
      { input: dest },
    );
  }
}

/**
 * The names a host folder brings (its files and subfolders) become pond names: one the pond
 * refuses (entry-name.ts) is refused now, naming the host file, before anything is converted.
 * A name that was not UTF-8 reaches us with U+FFFD in it and could not even be opened.
 */
function checkHostNames(raw: string, folder: string, rel: string): void {
  const names = rel.split(sep);
  for (const [i, name] of names.entries()) {
    const problem = nameProblem(name);
    if (problem === undefined) continue;
    const where = join(folder, ...names.slice(0, i));
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${raw}: ${printableName(name)} in ${where} is not a valid name: ${problem}; rename it on the host`,
      { input: join(where, name) },
    );
  }
}

function kindOfUrl(url: PondUrl): ImportKind {
  if (url.format === 'csv') return url.entryType === 'series' ? 'series' : 'table';
  if (url.entryType === 'table' || url.entryType === 'series') return url.entryType;
  return 'data';
}

/**
 * The files under a host folder. Anything that is not a file or a folder (a symlink, a FIFO, a
 * socket, a device) is refused, never left out of a copy that says it copied the folder; a
 * symlink is not followed (it could lead out of the folder, or out of `-d`).
 */
async function walkHost(raw: string, dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? join(prefix, e.name) : e.name;
    if (e.isDirectory()) out.push(...(await walkHost(raw, dir, rel)));
    else if (e.isFile()) out.push(rel);
    else {
      throw new PondError(
        ErrorCode.BadInput,
        `${raw}: ${join(dir, rel)} is not a regular file or folder (a ${e.isSymbolicLink() ? 'symlink' : 'FIFO, socket or device'}): move it out of the folder, or copy the files one by one`,
        { input: join(dir, rel) },
      );
    }
  }
  return out.sort();
}
