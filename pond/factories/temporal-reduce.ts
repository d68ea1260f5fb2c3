import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { describeRelation, type ColumnInfo } from '../query/parquet-file.js';
import type { QueryContext, RelationOptions, TimeRange } from '../query/queryable.js';
import { windowRelation } from '../query/time-window.js';
import { nameProblem, printableName } from '../tinyfs/entry-name.js';
import { matchWildcard } from '../tinyfs/glob.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { applyTransforms } from './column-rename.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { TRANSFORMS_KEY, key } from './config-schema.js';
import { DerivedDirectory, DerivedTable } from './derived-nodes.js';
import { epochBucketSql, parseDuration } from '../config/duration.js';
import { expandEnv } from './env-substitution.js';
import {
  inputRelation,
  parseInputPattern,
  resolveInput,
  unionByName,
  type InputPattern,
  type ResolvedInput,
} from './inputs.js';
import { visitGlob } from '../tinyfs/visit.js';
import type { Factory } from './registry.js';

/**
 * temporal-reduce: downsamples series into `<out>/res=<R>.series`, one folder per distinct
 * `out_pattern` value ($0, $1... from the input's captures), one series per resolution. Buckets
 * are counted from the epoch; each output column is `<column>.<aggregation>`, and the output's
 * `timestamp` (the bucket start) is never null.
 */
const AGGREGATIONS = ['avg', 'min', 'max', 'count', 'sum'] as const;
type Aggregation = (typeof AGGREGATIONS)[number];

interface Resolution {
  label: string;
  ms: number;
}

interface ReduceConfig {
  input: InputPattern;
  outPattern: string;
  timeColumn: string;
  resolutions: Resolution[];
  aggregations: { type: Aggregation; columns: string[] | undefined }[];
  transforms: string[];
}

function readConfig(text: string, where: string): ReduceConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const input = parseInputPattern(
    c.string('in_pattern'),
    ['series', 'table', 'file', 'csv'],
    where,
    'in_pattern',
  );
  const outPattern = c.string('out_pattern');
  const timeColumn = c.string('time_column', true) ?? 'timestamp';
  const labels = c.stringList('resolutions');
  if (labels.length === 0) throw configError(where, 'resolutions', 'needs at least one resolution');
  const resolutions = labels
    .map((label, i) => ({ label, ms: parseDuration(label, where, `resolutions[${i}]`) }))
    .sort((a, b) => a.ms - b.ms);
  for (let i = 1; i < resolutions.length; i++) {
    const [finer, coarser] = [resolutions[i - 1]!, resolutions[i]!];
    if (coarser.ms === finer.ms)
      throw configError(
        where,
        'resolutions',
        `${finer.label} and ${coarser.label} are the same resolution`,
      );
    if (coarser.ms % finer.ms !== 0) {
      throw configError(
        where,
        'resolutions',
        `${coarser.label} is not a whole multiple of ${finer.label} (each resolution must be a multiple of the next finer one)`,
      );
    }
  }
  const aggregations = c.list('aggregations', (a) => {
    const type = a.string('type');
    if (!(AGGREGATIONS as readonly string[]).includes(type)) {
      throw configError(
        where,
        `${a.prefix}.type`,
        `'${type}' is not an aggregation (${AGGREGATIONS.join(', ')})`,
      );
    }
    const columns = a.stringList('columns', true);
    for (const col of columns ?? []) {
      if (col === '*' && type !== 'count')
        throw configError(
          where,
          `${a.prefix}.columns`,
          `'*' counts rows and goes with type count only`,
        );
      if (col.split('*').length > 2)
        throw configError(
          where,
          `${a.prefix}.columns`,
          `'${col}': a column glob may have one * only`,
        );
    }
    return { type: type as Aggregation, columns };
  });
  if (aggregations.length === 0)
    throw configError(where, 'aggregations', 'needs at least one aggregation');
  const transforms = c.stringList('transforms', true) ?? [];
  c.done();
  return { input, outPattern, timeColumn, resolutions, aggregations, transforms };
}

/** `$0`, `$1`... replaced by the input's captures. */
function outName(
  pattern: string,
  input: Pick<ResolvedInput, 'path' | 'captures'>,
  where: string,
): string {
  const name = pattern.replace(/\$(\d+)/g, (_m, n: string) => {
    const v = input.captures[Number(n)];
    if (v === undefined) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: out_pattern '${pattern}': ${input.path} has no capture $${n} (it has ${input.captures.length})`,
        {
          input: pattern,
        },
      );
    }
    return v;
  });
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new PondError(
      ErrorCode.BadConfig,
      `${where}: out_pattern '${pattern}' gives ${printableName(name)} for ${input.path}, which is not a valid name: ${problem}`,
      { input: pattern },
    );
  }
  return name;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function aggregateColumns(cfg: ReduceConfig, columns: ColumnInfo[], where: string): string[] {
  const values = columns.filter((c) => c.name !== cfg.timeColumn);
  const out: string[] = [];
  for (const a of cfg.aggregations) {
    const chosen: string[] = [];
    if (!a.columns) {
      chosen.push(...values.filter((c) => NUMERIC.test(c.type)).map((c) => c.name));
    } else {
      for (const col of a.columns) {
        if (col === '*') {
          out.push(`count(*) AS ${ident(`${cfg.timeColumn}.count`)}`);
          continue;
        }
        const hits = col.includes('*')
          ? values.filter((c) => matchWildcard(col.split('*'), c.name))
          : values.filter((c) => c.name === col);
        // A named column must exist (a typo is an error); a glob may match nothing in one input.
        if (hits.length === 0 && !col.includes('*')) {
          throw new PondError(
            ErrorCode.BadConfig,
            `${where}: aggregations: column '${col}' is not in the input (columns: ${values.map((c) => c.name).join(', ')})`,
            {
              input: col,
            },
          );
        }
        chosen.push(...hits.map((c) => c.name));
      }
    }
    for (const name of chosen)
      out.push(`${a.type}(${ident(name)}) AS ${ident(`${name}.${a.type}`)}`);
  }
  if (out.length === 0)
    throw new PondError(ErrorCode.BadConfig, `${where}: aggregations select no columns`, {
      input: where,
    });
  return out;
}

/** A window widened to whole buckets, so the first and last buckets are complete. */
function bucketWindow(range: TimeRange | undefined, ms: number): TimeRange | undefined {
  if (!range) return undefined;
  const us = ms * 1000;
  const w: TimeRange = {};
  if (range.startUs !== undefined) w.startUs = Math.floor(range.startUs / us) * us;
  if (range.endUs !== undefined) w.endUs = Math.floor(range.endUs / us) * us + us - 1;
  return w;
}

async function reduceRelation(
  ctx: QueryContext,
  cfg: ReduceConfig,
  inputs: ResolvedInput[],
  res: Resolution,
  options: RelationOptions,
  where: string,
): Promise<string> {
  const window = bucketWindow(options.timeRange, res.ms);
  const rels = [];
  for (const m of inputs)
    rels.push(await inputRelation(ctx, cfg.input, m, window ? { timeRange: window } : {}));
  const source = await applyTransforms(
    ctx.txn,
    ctx.txn.session,
    unionByName(rels),
    cfg.transforms,
    where,
  );
  const columns = await describeRelation(ctx.txn.session, source);
  const tc = columns.find((c) => c.name === cfg.timeColumn);
  if (!tc) {
    throw new PondError(
      ErrorCode.BadConfig,
      `${where}: time_column '${cfg.timeColumn}' is not in the input (columns: ${columns.map((c) => c.name).join(', ')})`,
      {
        input: cfg.timeColumn,
      },
    );
  }
  if (!tc.type.startsWith('TIMESTAMP')) {
    throw new PondError(
      ErrorCode.BadConfig,
      `${where}: time_column '${cfg.timeColumn}' is ${tc.type}, not a timestamp`,
      { input: cfg.timeColumn },
    );
  }
  const bucket = epochBucketSql(res.ms, ident(cfg.timeColumn));
  const rows = window ? windowRelation(source, cfg.timeColumn, window) : source;
  return (
    `SELECT ${bucket} AS "timestamp", ${aggregateColumns(cfg, columns, where).join(', ')} ` +
    `FROM (${rows}) WHERE ${ident(cfg.timeColumn)} IS NOT NULL GROUP BY 1 ORDER BY 1`
  );
}

export const temporalReduce: Factory = {
  name: 'temporal-reduce',
  description: 'downsampled series (res=1h, res=1d, ...) of the series a pattern matches',
  entryType: 'directory',
  validate: (config, where) => readConfig(config, where),
  reads: (config, where) => {
    const cfg = readConfig(config, where);
    return [cfg.input.path, ...cfg.transforms];
  },
  schema: {
    keys: [
      key('in_pattern', 'input URL', true, 'the series to reduce: series:///sites/*/water.series'),
      key('out_pattern', 'name', true, 'the folder of each input, from its captures: $0, $1...'),
      key('time_column', 'column', false, 'the input time column (default timestamp)'),
      key('resolutions', 'list of durations', true, 'bucket sizes, e.g. ["1h", "1d"]'),
      key('aggregations', 'list of mappings', true, 'what each bucket holds', {
        keys: [
          key('type', 'aggregation', true, 'the aggregate function', {
            values: [...AGGREGATIONS],
          }),
          key('columns', 'list of column globs', false, 'the columns (default: every number)'),
        ],
      }),
      TRANSFORMS_KEY,
    ],
    example: `# Hourly and daily summaries of every site's series.
in_pattern: "series:///sites/*/water.series"
out_pattern: "$0"          # one folder per site
time_column: timestamp
resolutions: ["1h", "1d"]  # each a whole multiple of the next finer one
aggregations:
  - type: avg              # no columns: every numeric column
  - type: count
    columns: ["*"]
transforms: []
`,
  },
  /** The `res=` series of one input: `<out_pattern with its captures>/res=<R>.series`. */
  viewsOf: async (config, where, input, wd) => {
    const cfg = readConfig(config, where);
    const m = (await visitGlob(wd, cfg.input.path)).find((x) => x.path === input);
    if (!m) return [];
    const folder = outName(cfg.outPattern, m, where);
    return cfg.resolutions.map((r) => ({
      label: r.label,
      path: `${folder}/res=${r.label}.series`,
    }));
  },
  make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
    const where = `${spec.path} (temporal-reduce)`;
    const cfg = readConfig(spec.config, where);
    return new DerivedDirectory(spec, async () => {
      const ctx: QueryContext = { txn, expanding: [{ id: spec.id, path: spec.path }] };
      const groups = new Map<string, ResolvedInput[]>();
      for (const m of await resolveInput(ctx, cfg.input)) {
        const name = outName(cfg.outPattern, m, where);
        groups.set(name, [...(groups.get(name) ?? []), m]);
      }
      return [...groups].map(([name, inputs]) => ({
        name,
        type: 'directory' as const,
        factory: 'temporal-reduce',
        identity: name,
        config: spec.config,
        make: (dirSpec: DynamicNodeSpec) =>
          new DerivedDirectory(dirSpec, async () =>
            cfg.resolutions.map((res) => ({
              name: `res=${res.label}.series`,
              type: 'series' as const,
              factory: 'temporal-reduce',
              identity: res.label,
              config: spec.config,
              make: (fileSpec: DynamicNodeSpec) =>
                new DerivedTable(fileSpec, 'series', txn, (c, o) =>
                  reduceRelation(c, cfg, inputs, res, o, where),
                ),
            })),
          ),
      }));
    });
  },
};
