import { ErrorCode, PondError } from '../../shared/errors.js';
import type { QueryContext } from '../query/queryable.js';
import { withSources } from '../query/with-sources.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { applyTransforms } from './column-rename.js';
import { ConfigObject, parseYaml } from '../config/config.js';
import { TRANSFORMS_KEY, key } from './config-schema.js';
import { DerivedTable } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import {
  inputRelation,
  parseInputPattern,
  resolveInput,
  unionByName,
  type InputPattern,
} from './inputs.js';
import type { Factory } from './registry.js';

/**
 * sql-derived-table / sql-derived-series: `patterns: {alias: URL}` become tables named by their
 * alias in `query` (default `SELECT * FROM source`). In series mode a pattern may match many
 * files, combined by column name; in table mode it must match exactly one.
 */
interface SqlDerivedConfig {
  patterns: Record<string, InputPattern>;
  query: string;
  transforms: string[];
}

type Mode = 'table' | 'series';

function readConfig(text: string, where: string): SqlDerivedConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const raw = c.stringMap('patterns');
  const patterns: Record<string, InputPattern> = {};
  for (const [alias, url] of Object.entries(raw)) {
    patterns[alias] = parseInputPattern(
      url,
      ['series', 'table', 'file', 'csv'],
      where,
      `patterns.${alias}`,
    );
  }
  const query = c.string('query', true) ?? 'SELECT * FROM source';
  const transforms = c.stringList('transforms', true) ?? [];
  c.done();
  return { patterns, query, transforms };
}

async function buildRelation(
  ctx: QueryContext,
  cfg: SqlDerivedConfig,
  mode: Mode,
  where: string,
): Promise<string> {
  const sources: Record<string, string> = {};
  for (const [alias, p] of Object.entries(cfg.patterns)) {
    const matches = await resolveInput(ctx, p);
    if (matches.length === 0) {
      throw new PondError(
        ErrorCode.NotFound,
        `${where}: patterns.${alias}: '${p.raw}' matches no ${p.scheme === 'file' ? 'table or series' : p.scheme}`,
        { input: p.raw },
      );
    }
    if (mode === 'table' && matches.length > 1) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: patterns.${alias}: '${p.raw}' matches ${matches.length} files (${matches.map((m) => m.path).join(', ')}); sql-derived-table needs exactly one (use sql-derived-series to combine them)`,
        { input: p.raw },
      );
    }
    const rels = [];
    for (const m of matches) rels.push(await inputRelation(ctx, p, m));
    sources[alias] = await applyTransforms(
      ctx.txn,
      ctx.txn.session,
      unionByName(rels),
      cfg.transforms,
      where,
    );
  }
  return withSources(sources, cfg.query);
}

function factory(mode: Mode): Factory {
  const name = `sql-derived-${mode}`;
  return {
    name,
    description:
      mode === 'table'
        ? 'a table computed by SQL over other files (each pattern matches exactly one)'
        : 'a series computed by SQL over other files (patterns may match many, combined by column name)',
    entryType: mode,
    validate: (config, where) => readConfig(config, where),
    reads: (config, where) => {
      const cfg = readConfig(config, where);
      return [...Object.values(cfg.patterns).map((p) => p.path), ...cfg.transforms];
    },
    schema: {
      keys: [
        key(
          'patterns',
          'mapping of names to input URLs',
          true,
          mode === 'table'
            ? 'each input by the name the query uses (source: table:///sites.table)'
            : 'each input by the name the query uses (source: series:///sites/*/water.series)',
        ),
        key('query', 'SQL', false, 'SQL over the inputs by name (default SELECT * FROM source)'),
        TRANSFORMS_KEY,
      ],
      example:
        mode === 'table'
          ? `patterns:
  source: "table:///sites.table"
query: "SELECT * FROM source"
transforms: []
`
          : `patterns:
  source: "series:///sites/*/water.series"
query: "SELECT timestamp, temperature FROM source WHERE temperature IS NOT NULL"
transforms: []
`,
    },
    make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
      const where = `${spec.path} (${name})`;
      const cfg = readConfig(spec.config, where);
      return new DerivedTable(spec, mode, txn, (ctx) => buildRelation(ctx, cfg, mode, where));
    },
  };
}

export const sqlDerivedTable = factory('table');
export const sqlDerivedSeries = factory('series');
