import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { earlierExports } from './earlier-exports.js';
import { METADATA_FILE } from './metadata.js';
import { enclosingFolders } from './targets.js';

/**
 * An export replaces its targets' places (a table's folder, a data file, each page) and
 * OUT/export.json. Before it writes anything (and in the dry run), everything found there must
 * be a file an earlier export wrote (see earlier-exports.ts); anything else is refused, named.
 */
export interface OutputCheck {
  /** Files earlier exports wrote at or under the places: replaced or removed (relative, sorted). */
  ours: string[];
  /** Files earlier exports wrote elsewhere in the folder, still there: the new export.json lists them. */
  kept: string[];
  /** OUT/export.json exists (and is an export's). */
  metadata: boolean;
  /** Pending lists of exports that are over: removed once the new export.json is in place. */
  abandoned: string[];
}

/** Something at a place that no export wrote. */
interface Foreign {
  path: string;
  /** Said after the path when it is not a plain file. */
  what?: string;
}

/** How many of the files in the way a refusal names. */
const NAMED = 5;

/** `places` are relative to `outDir`, with `/`; export.json is always checked. */
export async function checkOutput(outDir: string, places: readonly string[]): Promise<OutputCheck> {
  const earlier = await earlierExports(outDir);
  const owned = earlier.files;
  const ownedFolders = new Set<string>();
  for (const f of owned) for (const a of enclosingFolders(f)) ownedFolders.add(a);
  const ours = new Set<string>();
  const foreign: Foreign[] = [];
  let count = 0;
  const found = (f: Foreign) => {
    count++;
    if (foreign.length < NAMED) foreign.push(f);
  };

  /** Judges a folder's entries; true when it holds anything. */
  const walk = async (rel: string): Promise<boolean> => {
    const entries: Dirent[] = await readdir(join(outDir, rel), { withFileTypes: true });
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!(await walk(child)) && !ownedFolders.has(child))
          found({ path: `${child}/`, what: 'an empty folder' });
      } else judge(child, e.isFile());
    }
    return entries.length > 0;
  };
  const judge = (rel: string, isFile: boolean) => {
    if (isFile && owned.has(rel)) ours.add(rel);
    else if (!LEFTOVER.test(rel))
      found({ path: rel, ...(isFile ? {} : { what: 'not a plain file' }) });
  };

  for (const place of places) {
    const blocked = await blockedFolder(outDir, place);
    if (blocked !== undefined) {
      found({ path: blocked, what: 'a file where the export needs a folder' });
      continue;
    }
    const s = await lstat(join(outDir, place)).catch(notFound);
    if (s === undefined) continue;
    if (s.isDirectory()) await walk(place);
    else judge(place, s.isFile());
  }
  if (count > 0) throw refusal(outDir, foreign, count);

  const placed = new Set(places);
  const kept: string[] = [];
  for (const f of owned) {
    if (f === METADATA_FILE || placed.has(f) || enclosingFolders(f).some((a) => placed.has(a)))
      continue;
    const s = await lstat(join(outDir, f)).catch(notFound);
    if (s?.isFile()) kept.push(f);
  }
  return {
    ours: [...ours].sort(),
    kept: kept.sort(),
    metadata: earlier.metadata,
    abandoned: earlier.abandoned,
  };
}

/** Names that exports killed midway leave beside a place (`<name>.pond-old-<pid>-<uuid>`). */
const LEFTOVER = /\.pond-old-\d+-[0-9a-f-]+$/;

/** The first existing folder on the way to `place` that is not a folder. */
async function blockedFolder(outDir: string, place: string): Promise<string | undefined> {
  for (const a of enclosingFolders(place)) {
    const s = await stat(join(outDir, a)).catch(notFound);
    if (s === undefined) return undefined;
    if (!s.isDirectory()) return a;
  }
  return undefined;
}

function notFound(e: NodeJS.ErrnoException): undefined {
  if (e.code === 'ENOENT') return undefined;
  throw e;
}

function refusal(outDir: string, named: Foreign[], count: number): PondError {
  const list = named.map((f) => (f.what ? `${f.path} (${f.what})` : f.path)).join(', ');
  const more = count > named.length ? `, and ${count - named.length} more` : '';
  const them = count === 1 ? 'it' : 'them';
  return new PondError(
    ErrorCode.AlreadyExists,
    `export folder ${outDir} holds ${count === 1 ? 'a file' : `${count} files`} no export wrote, where this export writes (it would replace or remove ${them}): ${list}${more}. Move ${them} away or export into another folder; an export replaces only files an earlier export wrote (those its ${METADATA_FILE} lists). Nothing was written.`,
    { input: join(outDir, named[0]!.path) },
  );
}
