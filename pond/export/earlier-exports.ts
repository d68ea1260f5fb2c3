import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { METADATA_FILE, isLeaf, type ExportTree } from './metadata.js';
import { pendingLists, stillPublished } from './pending-list.js';

/**
 * What earlier exports wrote into an output folder: the files its export.json lists (the
 * targets' files, the pages, the files kept from exports before), and the files of exports
 * killed while publishing that are still the very files their pending lists name. An export
 * replaces or removes nothing else.
 */
export interface EarlierExports {
  /** Relative paths, with `/`; some may no longer exist. */
  files: Set<string>;
  /** Whether OUT/export.json exists (it is an export's: anything else is refused). */
  metadata: boolean;
  /** Pending lists of exports that are over: removed once a new export.json lists their files. */
  abandoned: string[];
}

export async function earlierExports(outDir: string): Promise<EarlierExports> {
  const listed = await metadataFiles(outDir);
  const files = new Set(listed ?? []);
  const abandoned: string[] = [];
  for (const list of await pendingLists(outDir)) {
    for (const f of await stillPublished(outDir, list)) files.add(f);
    if (list.abandoned) abandoned.push(list.file);
  }
  return { files, metadata: listed !== undefined, abandoned };
}

/** The files OUT/export.json lists; undefined without one; refused when it is not an export's. */
async function metadataFiles(outDir: string): Promise<string[] | undefined> {
  const file = join(outDir, METADATA_FILE);
  let s;
  try {
    s = await lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!s.isFile()) throw notOurs(file, s.isDirectory() ? 'it is a folder' : 'it is not a file');
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notOurs(file, 'it is not JSON');
  }
  const problem = { why: '' };
  const paths = writtenFiles(json, problem);
  if (paths === undefined) throw notOurs(file, problem.why);
  return paths;
}

/** The files a parsed export.json lists, or undefined with the reason it is not an export's. */
function writtenFiles(json: unknown, problem: { why: string }): string[] | undefined {
  const fail = (why: string) => {
    problem.why = why;
    return undefined;
  };
  if (!isObject(json)) return fail('it is not a JSON object');
  for (const [key, type] of [
    ['pond', 'string'],
    ['txn', 'number'],
    ['created', 'string'],
  ] as const) {
    if (typeof json[key] !== type) return fail(`it has no "${key}" ${type}`);
  }
  if (!isObject(json['exports'])) return fail('it has no "exports" object');
  const out: string[] = [];
  const walk = (t: unknown): boolean => {
    if (!isObject(t)) return false;
    if (isLeaf(t as ExportTree)) {
      for (const f of (t as { files: unknown[] }).files) {
        if (!isObject(f) || typeof f['path'] !== 'string') return false;
        out.push(f['path']);
      }
      return true;
    }
    return Object.values(t).every(walk);
  };
  for (const [pattern, tree] of Object.entries(json['exports'])) {
    if (!walk(tree)) return fail(`its exports of '${pattern}' are not an export's`);
  }
  // Older exports wrote neither list.
  for (const key of ['pages', 'kept']) {
    const v = json[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string'))
      return fail(`its "${key}" is not a list of paths`);
    out.push(...(v as string[]));
  }
  const outside = out.find((p) => !isRelativePath(p));
  if (outside !== undefined) return fail(`it lists '${outside}', which is outside the folder`);
  return out;
}

/** `a/b/c`: no leading `/`, no empty, `.` or `..` name, no `\`. */
function isRelativePath(p: string): boolean {
  return p !== '' && !p.includes('\\') && p.split('/').every((n) => n && n !== '.' && n !== '..');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function notOurs(file: string, why: string): PondError {
  return new PondError(
    ErrorCode.AlreadyExists,
    `${file} is not the metadata of a pond export (${why}), and this export would replace it. Move it away or export into another folder; an export writes its own ${METADATA_FILE} and replaces only files an earlier export wrote. Nothing was written.`,
    { input: file },
  );
}
