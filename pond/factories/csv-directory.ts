import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { copyCsvToParquet, csvOptionsFromParams, describeRejects } from '../query/csv.js';
import type { CsvOptions } from '../query/csv.js';
import { parquetRelation } from '../query/node-relation.js';
import type { QueryContext } from '../query/queryable.js';
import { materialize } from '../query/source.js';
import { parseUrl } from '../query/url.js';
import type { FileNode } from '../tinyfs/node.js';
import { isFile } from '../tinyfs/node.js';
import { basename } from '../tinyfs/path.js';
import { parseGlob } from '../tinyfs/glob.js';
import { visitGlob } from '../tinyfs/visit.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from './config.js';
import { key } from './config-schema.js';
import { DerivedDirectory, DerivedTable } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import type { Factory } from './registry.js';

/**
 * csv-directory: the CSV data files a glob finds, each presented as a table of the same name.
 * A file is parsed once per stored version into the pond's cache (keyed by the content hash and
 * the CSV options); an unchanged version is never parsed again, by this or any later process.
 */
interface CsvDirectoryConfig {
  pattern: string;
  options: CsvOptions;
}

function readConfig(text: string, where: string): CsvDirectoryConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const raw = c.string('pattern');
  let url;
  try {
    url = parseUrl(raw);
  } catch (e) {
    throw configError(where, 'pattern', (e as Error).message);
  }
  if (url.host || (url.format !== 'csv' && url.entryType !== undefined)) {
    throw configError(
      where,
      'pattern',
      `'${raw}' must be a pond path or a csv:/// URL of data files (e.g. csv:///raw/*.csv?delimiter=;)`,
    );
  }
  if (!url.path.startsWith('/')) throw configError(where, 'pattern', `'${raw}' must be absolute`);
  try {
    parseGlob(url.path);
  } catch (e) {
    throw configError(where, 'pattern', (e as Error).message);
  }
  let options: CsvOptions;
  try {
    options = csvOptionsFromParams(url.params, raw);
  } catch (e) {
    throw configError(where, 'pattern', (e as Error).message);
  }
  const delimiter = c.string('delimiter', true);
  const header = c.boolean('header', true);
  if (delimiter !== undefined) options.delimiter = delimiter;
  if (header !== undefined) options.header = header;
  if (url.compression) options.compression = url.compression;
  c.done();
  return { pattern: url.path, options };
}

/** Where the parsed form of one CSV content with these options is kept. */
function cachePath(cacheDir: string, sha256: string, o: CsvOptions): string {
  const key = createHash('sha256')
    .update(sha256)
    .update(JSON.stringify(o, Object.keys(o).sort()))
    .digest('hex');
  return join(cacheDir, 'csv-directory', `${key}.parquet`);
}

/** The Parquet form of a CSV node's latest version, parsed now unless the cache has it. */
async function parsedCsv(
  ctx: QueryContext,
  node: FileNode,
  path: string,
  o: CsvOptions,
): Promise<string> {
  const versions = await node.versions();
  const latest = versions[versions.length - 1];
  if (!latest)
    throw new PondError(ErrorCode.NotFound, `'${path}' has no versions`, { input: path });
  const target = cachePath(ctx.txn.cacheDir, latest.sha256, o);
  if (existsSync(target)) return target;
  const source = await materialize(node, path, {
    session: ctx.txn.session,
    cacheDir: ctx.txn.cacheDir,
  });
  await mkdir(join(ctx.txn.cacheDir, 'csv-directory'), { recursive: true });
  // Parsed beside its place and renamed in, so a reader never sees half a file.
  const tmp = `${target}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    const { rejects, rejectCount } = await copyCsvToParquet(
      ctx.txn.session,
      source,
      o,
      tmp,
      (csv) => csv,
    );
    if (rejectCount > 0) {
      throw new PondError(ErrorCode.BadInput, describeRejects(path, rejects, rejectCount), {
        input: path,
      });
    }
    await rename(tmp, target);
  } finally {
    await rm(tmp, { force: true });
  }
  return target;
}

export const csvDirectory: Factory = {
  name: 'csv-directory',
  description: 'the CSV data files a glob finds, each as a table (parsed once per version)',
  entryType: 'directory',
  validate: (config, where) => readConfig(config, where),
  reads: (config, where) => [readConfig(config, where).pattern],
  schema: {
    keys: [
      key('pattern', 'pond glob or csv:/// URL', true, 'the CSV data files: csv:///raw/*.csv'),
      key('delimiter', 'text', false, 'the field delimiter (sniffed when absent)'),
      key('header', 'true or false', false, 'whether the first line holds the names', {
        values: ['true', 'false'],
      }),
    ],
    example: `pattern: "csv:///raw/*.csv"
delimiter: ","
header: true
`,
  },
  make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
    const where = `${spec.path} (csv-directory)`;
    const cfg = readConfig(spec.config, where);
    return new DerivedDirectory(spec, async () => {
      const seen = new Map<string, string>();
      const plans = [];
      for (const m of await visitGlob(await txn.wd(), cfg.pattern)) {
        if (!isFile(m.node) || m.node.type !== 'data') continue;
        const name = basename(m.path);
        const other = seen.get(name);
        if (other !== undefined) {
          throw new PondError(
            ErrorCode.BadConfig,
            `${where}: pattern '${cfg.pattern}' finds two files named '${name}' (${other} and ${m.path})`,
            { input: cfg.pattern },
          );
        }
        seen.set(name, m.path);
        const { node, path } = { node: m.node, path: m.path };
        plans.push({
          name,
          type: 'table' as const,
          factory: 'csv-directory',
          identity: path,
          config: spec.config,
          make: (child: DynamicNodeSpec) =>
            new DerivedTable(child, 'table', txn, async (ctx) =>
              parquetRelation([await parsedCsv(ctx, node, path, cfg.options)], false),
            ),
        });
      }
      return plans;
    });
  },
};
