import { lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { DATA_FILE, publish, stagingDir, writeParquet } from '../export/parquet-writer.js';
import { nodeRelation } from '../query/node-relation.js';
import { hostPath } from '../query/host-path.js';
import { parseUrl } from '../query/url.js';
import {
  ensureOutputFolder,
  refuseCaseCollisions,
  removeFolders,
} from '../export/output-folder.js';
import { isFile, type FileNode } from '../tinyfs/node.js';
import { nothingMatches, visitPattern } from '../tinyfs/visit.js';
import type { Pond } from '../tlogfs/pond.js';
import { firstInsidePond } from '../tlogfs/real-paths.js';

export interface CopiedOut {
  path: string;
  hostFile: string;
  type: string;
}

/**
 * `pond copy` OUT: every file a pattern matches goes to `<dest>/<pond path>` (minus
 * `stripPrefix`): tables and series as Parquet (a series as the union of its versions), data
 * byte for byte. It shares export's writer: each file is staged inside the destination and
 * renamed into place.
 */
export async function copyOut(
  pond: Pond,
  patterns: string[],
  dest: string,
  options: { stripPrefix?: string; hostRoot?: string; asOf?: number; overwrite?: boolean } = {},
): Promise<CopiedOut[]> {
  const url = parseUrl(dest);
  if (!url.host || url.format !== 'file' || url.entryType !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `copy OUT needs a host:///DIR destination, not '${dest}'`,
      { input: dest },
    );
  }
  const outDir = hostPath(url, options);
  return pond.read(async (txn) => {
    const wd = await txn.wd();
    const targets: { path: string; node: FileNode }[] = [];
    const seen = new Set<string>();
    // Each pattern must match a file: a typo in one of several is not silently skipped.
    for (const pattern of patterns) {
      const matches = await visitPattern(wd, pattern);
      if (matches.length === 0) throw nothingMatches(pattern);
      const files = matches.filter((m) => isFile(m.node));
      if (files.length === 0) {
        const shown = matches.slice(0, 3).map((m) => `${m.path} (${m.node.type})`);
        throw new PondError(
          ErrorCode.WrongType,
          `'${pattern}' matches no files, only ${shown.join(', ')}${matches.length > 3 ? ', ...' : ''}: copy OUT copies files (e.g. '${pattern.replace(/\/+$/, '')}/**' for the files below a folder)`,
          { input: pattern },
        );
      }
      for (const m of files) {
        if (seen.has(m.node.id)) continue;
        seen.add(m.node.id);
        targets.push({ path: m.path, node: m.node as FileNode });
      }
    }
    const out: CopiedOut[] = [];
    const rels = targets.map((t) => stripPrefix(t.path, options.stripPrefix));
    const inside = await firstInsidePond(pond.layout.root, outDir, rels);
    if (inside !== undefined) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `copy OUT would write ${inside}, inside the pond's own folder ${pond.layout.root}: copy to a folder outside it; nothing was written`,
        { input: inside },
      );
    }
    if (!options.overwrite) await refuseExisting(outDir, rels);
    const made = await ensureOutputFolder(outDir, dest);
    let published = false;
    const staging = await stagingDir(outDir);
    try {
      refuseCaseCollisions(staging, rels, ErrorCode.InvalidArgument);
      for (const [i, t] of targets.entries()) {
        const file = join(outDir, rels[i]!);
        const stage = join(staging, String(i));
        if (t.node.type === 'data') {
          await writeFile(stage, await t.node.read());
          await publish(stage, file);
        } else {
          const relation = await nodeRelation(t.node, t.path, { txn, expanding: [] });
          await writeParquet(pond.session, relation, stage);
          await publish(join(stage, DATA_FILE), file);
        }
        out.push({ path: t.path, hostFile: file, type: t.node.type });
      }
      published = true;
    } finally {
      await rm(staging, { recursive: true, force: true });
      if (!published) await removeFolders(made);
    }
    return out;
  }, options.asOf);
}

/**
 * A host file the pond did not write is never replaced unless the user says so: every place is
 * checked before anything is written, so a refusal leaves the folder as it was.
 */
async function refuseExisting(outDir: string, rels: string[]): Promise<void> {
  const taken: string[] = [];
  for (const rel of rels) {
    const file = join(outDir, rel);
    const found = await lstat(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (found) taken.push(file);
  }
  if (taken.length === 0) return;
  const shown = taken.slice(0, 3).join(', ') + (taken.length > 3 ? `, ... (${taken.length})` : '');
  throw new PondError(
    ErrorCode.AlreadyExists,
    `copy OUT would replace ${taken.length === 1 ? 'a host file that exists' : `${taken.length} host files that exist`}: ${shown}; nothing was written (--overwrite replaces them)`,
    { input: taken[0]! },
  );
}

function stripPrefix(path: string, prefix: string | undefined): string {
  const rel = path.replace(/^\/+/, '');
  if (!prefix) return rel;
  const p = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '') return rel;
  if (rel === p || !rel.startsWith(p + '/')) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--strip-prefix '${prefix}' is not a folder prefix of '${path}'`,
      { input: prefix },
    );
  }
  return rel.slice(p.length + 1);
}
