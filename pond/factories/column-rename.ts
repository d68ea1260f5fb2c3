import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { describeRelation } from '../query/parquet-file.js';
import { isDynamicNode, type DynamicNodeSpec, type PondTxn } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { key } from './config-schema.js';
import { DerivedData } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import type { Factory } from './registry.js';

/**
 * column-rename: rules that rename (and optionally cast) columns. The node itself holds only
 * its rules; other factories apply it to their inputs by listing its path in `transforms`.
 */
export type RenameRule =
  | { type: 'direct'; from: string; to: string; cast?: Cast }
  | { type: 'pattern'; pattern: RegExp; replacement: string };

type Cast = 'timestamp' | 'float64' | 'int64' | 'utf8';
const CASTS: Record<Cast, string> = {
  timestamp: 'TIMESTAMPTZ',
  float64: 'DOUBLE',
  int64: 'BIGINT',
  utf8: 'VARCHAR',
};

export function parseRenameRules(config: string, where: string): RenameRule[] {
  const c = new ConfigObject(parseYaml(expandEnv(config, where), where), where);
  const rules = c.list('rules', (r): RenameRule => {
    const type = r.string('type');
    if (type === 'direct') {
      const cast = r.string('cast', true);
      if (cast !== undefined && !(cast in CASTS)) {
        throw configError(
          where,
          `${r.prefix}.cast`,
          `'${cast}' is not one of ${Object.keys(CASTS).join(', ')}`,
        );
      }
      return {
        type,
        from: r.string('from'),
        to: r.string('to'),
        ...(cast ? { cast: cast as Cast } : {}),
      };
    }
    if (type === 'pattern') {
      const source = r.string('pattern');
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${source})$`);
      } catch (e) {
        throw configError(
          where,
          `${r.prefix}.pattern`,
          `'${source}' is not a regular expression: ${(e as Error).message}`,
        );
      }
      return { type, pattern, replacement: r.string('replacement') };
    }
    throw configError(where, `${r.prefix}.type`, `'${type}' is not a rule type (direct, pattern)`);
  });
  c.done();
  if (rules.length === 0) throw configError(where, 'rules', 'needs at least one rule');
  return rules;
}

class ColumnRenameNode extends DerivedData {
  constructor(
    spec: DynamicNodeSpec,
    readonly rules: RenameRule[],
  ) {
    super(spec, async () => Buffer.from(spec.config));
  }
}

export const columnRename: Factory = {
  name: 'column-rename',
  description:
    'rules that rename and cast columns, applied by other factories through `transforms`',
  entryType: 'data',
  validate: (config, where) => parseRenameRules(config, where),
  schema: {
    keys: [
      key('rules', 'list of mappings', true, 'the renames, applied in order', {
        keys: [
          key('type', 'rule type', true, 'direct: one column; pattern: a regular expression', {
            values: ['direct', 'pattern'],
          }),
          key('from', 'column', false, 'direct: the column to rename'),
          key('to', 'column', false, 'direct: its new name'),
          key('cast', 'type', false, 'direct: cast it too', { values: Object.keys(CASTS) }),
          key('pattern', 'regular expression', false, 'pattern: matched against whole names'),
          key('replacement', 'text', false, 'pattern: the new name ($1 for a group)'),
        ],
      }),
    ],
    example: `rules:
  - type: direct
    from: Temp
    to: temperature
    cast: float64
  - type: pattern
    pattern: "(.*)_mgL"
    replacement: "$1"
`,
  },
  make: async (spec) =>
    new ColumnRenameNode(spec, parseRenameRules(spec.config, `${spec.path} (column-rename)`)),
};

/** Applies the rename nodes at `paths` to a relation, in order. */
export async function applyTransforms(
  txn: PondTxn,
  session: DuckSession,
  relation: string,
  paths: string[],
  where: string,
): Promise<string> {
  let rel = relation;
  for (const path of paths) {
    const node = (await (await txn.wd()).get(path).catch(() => undefined))?.node;
    if (!node || !isDynamicNode(node) || !(node instanceof ColumnRenameNode)) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${where}: transforms: '${path}' is not a column-rename node`,
        { input: path },
      );
    }
    rel = renameColumns(
      rel,
      (await describeRelation(session, rel)).map((c) => c.name),
      node.rules,
    );
  }
  return rel;
}

function renameColumns(relation: string, columns: string[], rules: RenameRule[]): string {
  const select = columns.map((col) => {
    for (const r of rules) {
      if (r.type === 'direct' && r.from === col) {
        const value = r.cast ? `CAST(${ident(col)} AS ${CASTS[r.cast]})` : ident(col);
        return `${value} AS ${ident(r.to)}`;
      }
      if (r.type === 'pattern' && r.pattern.test(col))
        return `${ident(col)} AS ${ident(col.replace(r.pattern, r.replacement))}`;
    }
    return ident(col);
  });
  return `SELECT ${select.join(', ')} FROM (${relation})`;
}
