import { ErrorCode, PondError } from '../../shared/errors.js';
import { csvChoicesFromParams } from '../query/csv.js';
import { parsedCsv } from '../query/csv-cache.js';
import type { CsvChoices } from '../query/csv-sniff.js';
import { parquetRelation } from '../query/node-relation.js';
import { parseUrl } from '../query/url.js';
import { isFile } from '../tinyfs/node.js';
import { basename } from '../tinyfs/path.js';
import { parseGlob } from '../tinyfs/glob.js';
import { visitGlob } from '../tinyfs/visit.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { key } from './config-schema.js';
import { DerivedDirectory, DerivedTable } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import type { Factory } from './registry.js';

/**
 * csv-directory: the CSV data files a glob finds, each presented as a table of the same name,
 * read by the strict reader every CSV read uses and parsed once per stored version into the
 * pond's cache (query/csv-cache.ts).
 */
interface CsvDirectoryConfig {
  pattern: string;
  choices: CsvChoices;
  compression: 'none' | 'gzip' | 'zstd';
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
  let choices: CsvChoices;
  try {
    choices = csvChoicesFromParams(url.params, raw);
  } catch (e) {
    throw configError(where, 'pattern', (e as Error).message);
  }
  const delimiter = c.string('delimiter', true);
  const header = c.boolean('header', true);
  if (delimiter !== undefined) choices.delimiter = delimiter;
  if (header !== undefined) choices.header = header;
  c.done();
  return { pattern: url.path, choices, compression: url.compression ?? 'none' };
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
            new DerivedTable(child, 'table', txn, async (ctx) => {
              const parsed = await parsedCsv(
                { session: ctx.txn.session, cacheDir: ctx.txn.cacheDir },
                node,
                path,
                path,
                { choices: cfg.choices, compression: cfg.compression },
              );
              return parquetRelation([parsed], false);
            }),
        });
      }
      return plans;
    });
  },
};
