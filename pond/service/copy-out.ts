import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { DATA_FILE, publish, stagingDir, writeParquet } from '../export/parquet-writer.js';
import { nodeRelation } from '../query/node-relation.js';
import { hostPath } from '../query/source.js';
import { parseUrl } from '../query/url.js';
import { isFile } from '../tinyfs/node.js';
import { visitGlob } from '../tinyfs/visit.js';
import type { Pond } from '../tlogfs/pond.js';

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
  options: { stripPrefix?: string; hostRoot?: string; asOf?: number } = {},
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
    const targets: { path: string; node: import('../tinyfs/node.js').FileNode }[] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      for (const m of await visitGlob(wd, pattern.startsWith('/') ? pattern : '/' + pattern)) {
        if (!isFile(m.node) || seen.has(m.node.id)) continue;
        seen.add(m.node.id);
        targets.push({ path: m.path, node: m.node });
      }
    }
    if (targets.length === 0) {
      throw new PondError(ErrorCode.NotFound, `no files matched ${patterns.join(' ')}`, {
        input: patterns.join(' '),
      });
    }
    const out: CopiedOut[] = [];
    await mkdir(outDir, { recursive: true });
    const staging = await stagingDir(outDir);
    try {
      for (const [i, t] of targets.entries()) {
        const file = join(outDir, stripPrefix(t.path, options.stripPrefix));
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
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return out;
  }, options.asOf);
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
