import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';
import { describeRelation } from '../query/parquet-file.js';
import type { QueryContext, RelationOptions, TimeRange } from '../query/queryable.js';
import { parseUtcTime } from '../query/time.js';
import { windowRelation } from '../query/time-window.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { applyTransforms } from './column-rename.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
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
 * timeseries-join: inputs with the same scope are combined by column name (a replaced device's
 * old and new series), then the scopes are FULL OUTER JOINed on the time column, which is
 * coalesced so it is never null; other columns become `Scope.column`; rows are in time order.
 * An input whose pattern matches nothing contributes no rows.
 */
interface JoinInput {
  pattern: InputPattern;
  scope: string | undefined;
  range: TimeRange;
  transforms: string[];
}

interface JoinConfig {
  timeColumn: string;
  inputs: JoinInput[];
}

function readConfig(text: string, where: string): JoinConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const timeColumn = c.string('time_column', true) ?? 'timestamp';
  const inputs = c.list('inputs', (i) => {
    const pattern = parseInputPattern(
      i.string('pattern'),
      ['series', 'table', 'file', 'csv'],
      where,
      `${i.prefix}.pattern`,
    );
    const scope = i.string('scope', true);
    const range: TimeRange = {};
    const r = i.object('range', true);
    if (r) {
      const begin = r.string('begin', true);
      const end = r.string('end', true);
      r.done();
      if (begin !== undefined) range.startUs = time(begin, where, `${r.prefix}.begin`);
      if (end !== undefined) range.endUs = time(end, where, `${r.prefix}.end`);
    }
    return { pattern, scope, range, transforms: i.stringList('transforms', true) ?? [] };
  });
  c.done();
  if (inputs.length < 2)
    throw configError(where, 'inputs', `needs at least 2 inputs (use sql-derived-series for one)`);
  return { timeColumn, inputs };
}

function time(text: string, where: string, key: string): number {
  try {
    return parseUtcTime(text, key) * 1000;
  } catch (e) {
    throw configError(where, key, (e as Error).message);
  }
}

async function joinRelation(
  ctx: QueryContext,
  cfg: JoinConfig,
  options: RelationOptions,
  where: string,
): Promise<string> {
  const tc = ident(cfg.timeColumn);
  // Scope groups in the order they first appear; an input without a scope is a group of its own.
  const groups = new Map<string, string[]>();
  for (const [i, input] of cfg.inputs.entries()) {
    const matches = await resolveInput(ctx, input.pattern);
    const window = intersect(input.range, options.timeRange);
    const rels = [];
    for (const m of matches)
      rels.push(await inputRelation(ctx, input.pattern, m, window ? { timeRange: window } : {}));
    if (rels.length === 0) continue;
    let rel = await applyTransforms(
      ctx.txn,
      ctx.txn.session,
      unionByName(rels),
      input.transforms,
      where,
    );
    if (window) rel = windowRelation(rel, cfg.timeColumn, window);
    const key = input.scope ?? `\u0000${i}`;
    groups.set(key, [...(groups.get(key) ?? []), rel]);
  }
  const parts: string[] = [];
  for (const [key, rels] of groups) {
    const rel = unionByName(rels);
    const columns = await describeRelation(ctx.txn.session, rel);
    if (!columns.some((c) => c.name === cfg.timeColumn)) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: an input has no time column '${cfg.timeColumn}' (columns: ${columns.map((c) => c.name).join(', ')})`,
        {
          input: cfg.timeColumn,
        },
      );
    }
    const scope = key.startsWith('\u0000') ? undefined : key;
    const select = columns.map((c) =>
      c.name === cfg.timeColumn || !scope
        ? ident(c.name)
        : `${ident(c.name)} AS ${ident(`${scope}.${c.name}`)}`,
    );
    parts.push(`SELECT ${select.join(', ')} FROM (${rel})`);
  }
  if (parts.length === 0) {
    throw new PondError(ErrorCode.NotFound, `${where}: no input matches any file`, {
      input: where,
    });
  }
  const from = parts
    .map((p, i) => (i === 0 ? `(${p}) g0` : `FULL OUTER JOIN (${p}) g${i} USING (${tc})`))
    .join(' ');
  return `SELECT * FROM ${from} ORDER BY ${tc}`;
}

function intersect(a: TimeRange, b: TimeRange | undefined): TimeRange | undefined {
  const startUs = Math.max(a.startUs ?? -Infinity, b?.startUs ?? -Infinity);
  const endUs = Math.min(a.endUs ?? Infinity, b?.endUs ?? Infinity);
  const w: TimeRange = {};
  if (Number.isFinite(startUs)) w.startUs = startUs;
  if (Number.isFinite(endUs)) w.endUs = endUs;
  return w.startUs === undefined && w.endUs === undefined ? undefined : w;
}

export const timeseriesJoin: Factory = {
  name: 'timeseries-join',
  description: 'series joined on time (full outer join), columns named Scope.column',
  entryType: 'series',
  validate: (config, where) => readConfig(config, where),
  reads: (config, where) =>
    readConfig(config, where).inputs.flatMap((i) => [i.pattern.path, ...i.transforms]),
  schema: {
    keys: [
      key('time_column', 'column', false, 'the time column of every input (default timestamp)'),
      key('inputs', 'list of mappings', true, 'at least two series to join on time', {
        keys: [
          key('pattern', 'input URL', true, 'the series of this input'),
          key('scope', 'name', false, 'the prefix of its columns (Scope.column)'),
          key('range', 'mapping', false, 'the part of it used', {
            keys: [
              key('begin', 'UTC time', false, 'from this time (inclusive)'),
              key('end', 'UTC time', false, 'to this time (inclusive)'),
            ],
          }),
          TRANSFORMS_KEY,
        ],
      }),
    ],
    example: `time_column: timestamp
inputs:
  - pattern: "series:///sites/north/water.series"
    scope: North
    range: { begin: "2024-01-01", end: "2024-12-31T23:59:59Z" }
    transforms: []
  - pattern: "series:///sites/south/water.series"
    scope: South
`,
  },
  make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
    const where = `${spec.path} (timeseries-join)`;
    const cfg = readConfig(spec.config, where);
    return new DerivedTable(spec, 'series', txn, (ctx, o) => joinRelation(ctx, cfg, o, where));
  },
};
