import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { describeRelation } from '../query/parquet-file.js';
import type { QueryContext, RelationOptions } from '../query/queryable.js';
import { hasWildcards, parseGlob } from '../tinyfs/glob.js';
import { basename } from '../tinyfs/path.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { applyTransforms } from './column-rename.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { TRANSFORMS_KEY, key } from './config-schema.js';
import { DerivedTable } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import { inputRelation, parseInputPattern, resolveInput, type InputPattern } from './inputs.js';
import type { Factory } from './registry.js';

/**
 * timeseries-pivot: the chosen columns of every file a pattern matches, side by side on time.
 * Each match is named by its first capture (or its file name when the pattern has no wildcard);
 * columns are `<name>.<column>`; the times are the union of all inputs; a column an input lacks
 * is NULL.
 */
interface PivotConfig {
  pattern: InputPattern;
  columns: string[];
  timeColumn: string;
  transforms: string[];
}

function readConfig(text: string, where: string): PivotConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const pattern = parseInputPattern(
    c.string('pattern'),
    ['series', 'table', 'file', 'csv'],
    where,
    'pattern',
  );
  const columns = c.stringList('columns');
  if (columns.length === 0) throw configError(where, 'columns', 'needs at least one column');
  const timeColumn = c.string('time_column', true) ?? 'timestamp';
  const transforms = c.stringList('transforms', true) ?? [];
  c.done();
  return { pattern, columns, timeColumn, transforms };
}

async function pivotRelation(
  ctx: QueryContext,
  cfg: PivotConfig,
  options: RelationOptions,
  where: string,
): Promise<string> {
  const matches = await resolveInput(ctx, cfg.pattern);
  if (matches.length === 0) {
    throw new PondError(
      ErrorCode.NotFound,
      `${where}: pattern '${cfg.pattern.raw}' matches no files`,
      { input: cfg.pattern.raw },
    );
  }
  const wildcard = hasWildcards(parseGlob(cfg.pattern.path));
  const tc = ident(cfg.timeColumn);
  const ctes: string[] = [];
  const selects: string[] = [];
  const names = new Set<string>();
  for (const [i, m] of matches.entries()) {
    const name = wildcard ? (m.captures[0] ?? basename(m.path)) : basename(m.path);
    if (names.has(name)) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: two matches are both named '${name}'; use a pattern whose first capture tells them apart`,
        { input: name },
      );
    }
    names.add(name);
    const rel = await applyTransforms(
      ctx.txn,
      ctx.txn.session,
      await inputRelation(ctx, cfg.pattern, m, options),
      cfg.transforms,
      where,
    );
    const have = new Set((await describeRelation(ctx.txn.session, rel)).map((c) => c.name));
    if (!have.has(cfg.timeColumn)) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: ${m.path} has no time column '${cfg.timeColumn}'`,
        { input: m.path },
      );
    }
    ctes.push(`m${i} AS (${rel})`);
    for (const col of cfg.columns) {
      const value = have.has(col) ? `m${i}.${ident(col)}` : 'NULL::DOUBLE';
      selects.push(`${value} AS ${ident(`${name}.${col}`)}`);
    }
  }
  const times = matches.map((_, i) => `SELECT ${tc} FROM m${i}`).join(' UNION ');
  const joins = matches.map((_, i) => `LEFT JOIN m${i} ON m${i}.${tc} = t.${tc}`).join(' ');
  return `WITH ${ctes.join(', ')}, t AS (${times}) SELECT t.${tc} AS ${tc}, ${selects.join(', ')} FROM t ${joins} ORDER BY t.${tc}`;
}

export const timeseriesPivot: Factory = {
  name: 'timeseries-pivot',
  description: 'chosen columns of many series side by side on time, named <match>.<column>',
  entryType: 'series',
  validate: (config, where) => readConfig(config, where),
  reads: (config, where) => {
    const cfg = readConfig(config, where);
    return [cfg.pattern.path, ...cfg.transforms];
  },
  schema: {
    keys: [
      key('pattern', 'input URL', true, 'the series to put side by side (named by capture $0)'),
      key('columns', 'list of columns', true, 'the columns taken from each match'),
      key('time_column', 'column', false, 'the time column (default timestamp)'),
      TRANSFORMS_KEY,
    ],
    example: `pattern: "series:///sites/*/water.series"
columns: [temperature]
time_column: timestamp
transforms: []
`,
  },
  make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
    const where = `${spec.path} (timeseries-pivot)`;
    const cfg = readConfig(spec.config, where);
    return new DerivedTable(spec, 'series', txn, (ctx, o) => pivotRelation(ctx, cfg, o, where));
  },
};
