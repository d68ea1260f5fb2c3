import { ErrorCode, PondError } from '../../shared/errors.js';
import { csvChoicesFromParams } from '../query/csv.js';
import { parsedCsv } from '../query/csv-cache.js';
import { nodeRelation, parquetRelation } from '../query/node-relation.js';
import type { QueryContext, RelationOptions } from '../query/queryable.js';
import { parseUrl } from '../query/url.js';
import { isFile, type FileNode } from '../tinyfs/node.js';
import { parseGlob } from '../tinyfs/glob.js';
import { visitGlob } from '../tinyfs/visit.js';
import { configError } from '../config/config.js';

/**
 * What an input pattern selects (reference §6.2): `series:///` series, `table:///` tables,
 * `data:///` data files, `csv:///` data files parsed as CSV, and `file:///` or a bare path any
 * table or series.
 */
export type InputScheme = 'series' | 'table' | 'data' | 'csv' | 'file';

export interface InputPattern {
  raw: string;
  scheme: InputScheme;
  path: string;
  params: Record<string, string>;
  /** csv: how the data files are compressed (`csv+gzip:///`). */
  compression: 'none' | 'gzip' | 'zstd';
}

export interface ResolvedInput {
  path: string;
  node: FileNode;
  captures: string[];
}

/** Checks an input URL when a config is read: a pond pattern with a scheme the factory accepts. */
export function parseInputPattern(
  raw: string,
  accept: readonly InputScheme[],
  where: string,
  key: string,
): InputPattern {
  let url;
  try {
    url = parseUrl(raw);
  } catch (e) {
    throw configError(where, key, (e as Error).message);
  }
  if (url.host)
    throw configError(where, key, `'${raw}' is a host URL; factory inputs are pond paths`);
  const scheme: InputScheme | 'delta' =
    url.format === 'csv' ? 'csv' : url.format === 'delta' ? 'delta' : (url.entryType ?? 'file');
  if (scheme === 'delta' || !accept.includes(scheme)) {
    throw configError(
      where,
      key,
      `'${raw}': the ${scheme} scheme is not accepted here (use ${accept.map((a) => `${a}:///`).join(', ')})`,
    );
  }
  if (!url.path.startsWith('/'))
    throw configError(where, key, `'${raw}' must be an absolute pond path`);
  try {
    parseGlob(url.path);
  } catch (e) {
    throw configError(where, key, (e as Error).message);
  }
  if (scheme === 'csv') {
    try {
      csvChoicesFromParams(url.params, raw);
    } catch (e) {
      throw configError(where, key, (e as Error).message);
    }
  }
  return {
    raw,
    scheme,
    path: url.path,
    params: url.params,
    compression: url.compression ?? 'none',
  };
}

/** The files a pattern matches now, of the kind its scheme selects, each once, by path. */
export async function resolveInput(ctx: QueryContext, p: InputPattern): Promise<ResolvedInput[]> {
  const wd = await ctx.txn.wd();
  const out: ResolvedInput[] = [];
  for (const m of await visitGlob(wd, p.path)) {
    if (!isFile(m.node) || !selects(p.scheme, m.node.type)) continue;
    out.push({ path: m.path, node: m.node, captures: m.captures });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function selects(scheme: InputScheme, type: FileNode['type']): boolean {
  switch (scheme) {
    case 'series':
      return type === 'series';
    case 'table':
      return type === 'table';
    case 'data':
    case 'csv':
      return type === 'data';
    case 'file':
      return type === 'table' || type === 'series';
  }
}

/** The relation of one matched input. */
export async function inputRelation(
  ctx: QueryContext,
  p: InputPattern,
  input: ResolvedInput,
  options: RelationOptions = {},
): Promise<string> {
  if (p.scheme === 'csv') {
    // Parsed strictly once per version into the cache (query/csv-cache.ts).
    const parsed = await parsedCsv(
      { session: ctx.txn.session, cacheDir: ctx.txn.cacheDir },
      input.node,
      input.path,
      `csv://${input.path}`,
      { choices: csvChoicesFromParams(p.params, p.raw), compression: p.compression },
    );
    return parquetRelation([parsed], false);
  }
  if (p.scheme === 'data') {
    throw new PondError(
      ErrorCode.WrongType,
      `${p.raw}: data files are not tables; read them as csv:///`,
      { input: p.raw },
    );
  }
  return nodeRelation(input.node, input.path, ctx, options);
}

/** Several relations as one: UNION ALL BY NAME (missing columns are NULL). */
export function unionByName(relations: string[]): string {
  return relations.map((r) => `SELECT * FROM (${r})`).join(' UNION ALL BY NAME ');
}
