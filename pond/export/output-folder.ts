import { existsSync } from 'node:fs';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, PondError, toErrorInfo } from '../../shared/errors.js';

/**
 * Host folders given on the command line (`export --dir`, `copy` OUT's `host:///DIR`, `--pond`
 * for `init`, `-d`): what is wrong with one is said before anything is written, naming the
 * flag, the path and the part of it that is in the way. Node's recursive mkdir reports only
 * EEXIST or ENOTDIR for a file in the way, and spins forever under /proc.
 */

/**
 * Why `dir` cannot be (or become) a folder, or undefined: 'it is a file' (the caller names `dir`),
 * or the file on its path.
 */
export async function hostFolderProblem(dir: string): Promise<string | undefined> {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const st = await stat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      if (e.code === 'ENOTDIR') return 'not-a-folder' as const;
      throw hostError(e);
    });
    if (st === 'not-a-folder') continue; // a file higher up: found on the next step
    if (st) {
      if (st.isDirectory()) return undefined;
      return at === resolve(dir) ? 'it is a file, not a folder' : `${at} is a file`;
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Makes the folder `dir` with its missing parents, or refuses naming `label` (the flag or URL the
 * user gave), the path and why. Returns the folders it made, deepest last, for `removeFolders`.
 */
export async function ensureOutputFolder(dir: string, label: string): Promise<string[]> {
  const problem = await hostFolderProblem(dir);
  if (problem !== undefined) {
    throw new PondError(ErrorCode.InvalidArgument, `${label}: ${problem}`, { input: dir });
  }
  const missing: string[] = [];
  for (let at = resolve(dir); !(await exists(at)); at = dirname(at)) missing.unshift(at);
  const made: string[] = [];
  for (const at of missing) {
    await mkdir(at).then(
      () => made.push(at),
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') return; // made by someone else meanwhile
        const info = toErrorInfo(e);
        throw new PondError(info.code, `${label}: ${info.message}`, { input: dir, cause: e });
      },
    );
  }
  return made;
}

/**
 * Removes folders `ensureOutputFolder` made, deepest first, after a failed or cancelled write;
 * a folder something else has meanwhile put a file in is left alone.
 */
export async function removeFolders(made: readonly string[]): Promise<void> {
  for (const at of [...made].reverse()) await rmdir(at).catch(() => undefined);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw hostError(e);
    },
  );
}

function hostError(e: NodeJS.ErrnoException): PondError {
  const info = toErrorInfo(e);
  return new PondError(info.code, info.message, {
    ...(info.input === undefined ? {} : { input: info.input }),
    cause: e,
  });
}

/**
 * True when the file system holding `existing` (a path that exists and whose last name has
 * letters) ignores case, as macOS and Windows do by default: the same name in the other case
 * finds it.
 */
export function ignoresCase(existing: string): boolean {
  const name = basename(existing);
  const swapped = [...name]
    .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
    .join('');
  return swapped !== name && existsSync(join(dirname(existing), swapped));
}

/**
 * Two output paths (relative, `/`-separated) that are one file or folder on a host that ignores
 * case and Unicode normalization, e.g. `North/a.csv` and `north/a.csv`: writing both would let
 * the second replace the first. Returns the first such pair.
 */
export function caseCollision(paths: readonly string[]): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const names = p.split('/').filter(Boolean);
    for (let i = 1; i <= names.length; i++) {
      const prefix = names.slice(0, i).join('/');
      const folded = prefix.normalize('NFC').toLowerCase();
      const other = seen.get(folded);
      if (other === undefined) seen.set(folded, prefix);
      else if (other !== prefix) return [other, prefix];
    }
  }
  return undefined;
}

/**
 * Refuses, before anything is published, outputs that would be one file where they are
 * written: `staging` is an existing folder inside the output folder, used to probe its case.
 */
export function refuseCaseCollisions(
  staging: string,
  paths: readonly string[],
  code: ErrorCode,
): void {
  const pair = caseCollision(paths);
  if (pair === undefined || !ignoresCase(staging)) return;
  throw new PondError(
    code,
    `'${pair[0]}' and '${pair[1]}' would be written to the same place: ${dirname(staging)} ignores case (rename one of them in the pond, or write to a folder on a case-sensitive file system)`,
    { input: pair[1] },
  );
}
