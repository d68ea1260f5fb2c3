import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { literal } from '../duckdb/sql.js';
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
 * byte for byte. Each file is written beside its target and renamed into place.
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
    for (const t of targets) {
      const rel = stripPrefix(t.path, options.stripPrefix);
      const file = join(outDir, rel);
      await mkdir(dirname(file), { recursive: true });
      const tmp = join(dirname(file), `.pond-tmp-${randomUUID()}`);
      try {
        if (t.node.type === 'data') {
          await writeFile(tmp, await t.node.read());
        } else {
          const rel = await nodeRelation(t.node, t.path, { txn, expanding: [] });
          await pond.session.run(
            `COPY (${rel}) TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
          );
        }
        await rename(tmp, file);
      } finally {
        await rm(tmp, { force: true });
      }
      out.push({ path: t.path, hostFile: file, type: t.node.type });
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
