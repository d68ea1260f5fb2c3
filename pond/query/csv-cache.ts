import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { CsvDialect } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import type { FileNode } from '../tinyfs/node.js';
import { csvToParquet, openCsv } from './csv-file.js';
import type { CsvChoices } from './csv-sniff.js';
import { materialize } from './materialize.js';

/** The cache folder of parsed CSV (pond-files.ts knows its names). */
const CSV_CACHE_DIR = 'csv';

/** Changes whenever CSV is read differently, so nothing parsed the old way is read again. */
const READER = 'strict-1';

/**
 * A CSV data file of the pond as Parquet, parsed (strictly, query/csv-file.ts) once per stored
 * version and kept in the pond's cache, keyed by the content's hash and how it is read: an
 * unchanged version is never parsed again, by this or any later process. A file that does not
 * read is refused each time it is asked for, and nothing is cached.
 */
export async function parsedCsv(
  env: { session: DuckSession; cacheDir: string },
  node: FileNode,
  path: string,
  label: string,
  read: { choices: CsvChoices; compression: CsvDialect['compression'] },
): Promise<string> {
  const versions = await node.versions();
  const latest = versions[versions.length - 1];
  if (!latest)
    throw new PondError(ErrorCode.NotFound, `'${path}' has no versions`, { input: path });
  const key = createHash('sha256')
    .update(`${READER}\n${latest.sha256}\n${read.compression}\n`)
    .update(JSON.stringify(read.choices, Object.keys(read.choices).sort()))
    .digest('hex');
  const dir = join(env.cacheDir, CSV_CACHE_DIR);
  const target = join(dir, `${key}.parquet`);
  if (existsSync(target)) return target;
  const source = await materialize(node, path, env);
  const csv = await openCsv(env.session, source, label, read.compression, read.choices);
  await mkdir(dir, { recursive: true });
  // Parsed beside its place and renamed in, so a reader never sees half a file.
  const tmp = `${target}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await csvToParquet(env.session, csv, tmp);
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
  return target;
}
