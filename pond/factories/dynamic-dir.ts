import { stringify } from 'yaml';
import { nameProblem, printableName } from '../tinyfs/entry-name.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { key } from './config-schema.js';
import { DerivedDirectory } from './derived-nodes.js';
import { expandEnv } from './env-substitution.js';
import type { Factory, FactoryRegistry } from './registry.js';

/**
 * dynamic-dir: a read-only directory of factory nodes, `entries: [{name, factory, config}]`.
 * Each child's config is validated by its own factory when the directory is made; children may
 * read each other by absolute path.
 */
interface Entry {
  name: string;
  factory: string;
  /** The child's config as YAML text, as its factory reads it. */
  config: string;
}

function readConfig(text: string, where: string, registry: FactoryRegistry): Entry[] {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const names = new Set<string>();
  const entries = c.list('entries', (e) => {
    const name = e.string('name');
    const problem = nameProblem(name);
    if (problem !== undefined)
      throw configError(
        where,
        `${e.prefix}.name`,
        `${printableName(name)} is not a valid name: ${problem}`,
      );
    if (names.has(name)) throw configError(where, `${e.prefix}.name`, `'${name}' appears twice`);
    names.add(name);
    const factory = e.string('factory');
    let f;
    try {
      f = registry.get(factory);
    } catch (err) {
      throw configError(where, `${e.prefix}.factory`, (err as Error).message);
    }
    const config = stringify(e.raw('config'));
    f.validate(config, `${where} ${e.prefix} (${factory})`);
    return { name, factory, config };
  });
  c.done();
  return entries;
}

export function dynamicDir(registry: FactoryRegistry): Factory {
  return {
    name: 'dynamic-dir',
    description: 'a read-only directory of factory nodes (entries: name, factory, config)',
    entryType: 'directory',
    validate: (config, where) => readConfig(config, where, registry),
    reads: (config, where) =>
      readConfig(config, where, registry).flatMap(
        (e) => registry.get(e.factory).reads?.(e.config, `${where} ${e.name}`) ?? [],
      ),
    namesHostPaths: (config, where) =>
      readConfig(config, where, registry).some(
        (e) => registry.get(e.factory).namesHostPaths?.(e.config, `${where} ${e.name}`) ?? false,
      ),
    schema: {
      keys: [
        key('entries', 'list of mappings', true, 'the factory nodes in the directory', {
          keys: [
            key('name', 'name', true, 'the entry name'),
            key('factory', 'factory', true, 'the factory that makes it', {
              values: registry.list().map((f) => f.name),
            }),
            key('config', 'mapping', true, 'its config, as that factory takes it'),
          ],
        }),
      ],
      example: `entries:
  - name: north-temperature.series
    factory: sql-derived-series
    config:
      patterns: { source: "series:///sites/north/water.series" }
      query: "SELECT timestamp, temperature FROM source"
`,
    },
    make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
      const entries = readConfig(spec.config, `${spec.path} (dynamic-dir)`, registry);
      return new DerivedDirectory(spec, async () =>
        entries.map((e) => {
          const f = registry.get(e.factory);
          return {
            name: e.name,
            type: f.entryType,
            factory: e.factory,
            identity: e.config,
            make: (childSpec: DynamicNodeSpec) => f.make(childSpec, txn),
          };
        }),
      );
    },
  };
}
