import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/**
 * Bad factory configs are refused by mknod with the key and the reason, and nothing is written:
 * the log and the fsck root hash are the same before and after.
 */
describe('factory config errors', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let n = 0;
  const configFile = async (text: string) => {
    const file = join(t.dir, `bad-${++n}.yaml`);
    await writeText(file, text);
    return file;
  };
  const state = async () => [await p.ok('log'), await p.ok('fsck')].join('\n');

  /** mknod must fail with every expected fragment in its message and leave the pond as it was. */
  async function refused(factory: string, path: string, config: string, ...expected: string[]) {
    const before = await state();
    const r = await p.run('mknod', factory, path, '--config-path', await configFile(config));
    expect(r.code, r.stdout).not.toBe(0);
    for (const e of expected) expect(r.stderr).toContain(e);
    expect(await state()).toBe(before);
    return r.stderr;
  }

  beforeAll(async () => {
    t = await tempDir('pond-factory-errors-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'errors');
    await p.ok('mkdir', '/views');
    const file = join(t.dir, 's.parquet');
    await writeParquet(
      file,
      `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i::DOUBLE AS v FROM range(10) t(i)`,
    );
    await p.ok('copy', `host+series://${file}`, '/s.series');
  });
  afterAll(async () => t.cleanup());

  const reduce = (extra: string) => `in_pattern: "series:///s.series"
out_pattern: "s"
${extra}
aggregations: [{ type: avg }]
`;

  it('an unknown key is named, with the keys that are known', async () => {
    await refused(
      'temporal-reduce',
      '/r',
      reduce('resolutions: ["1h"]\nresolution: ["1d"]'),
      'resolution: unknown key',
      'known keys',
    );
  });

  it('a wrong type names the key and what it got', async () => {
    await refused(
      'temporal-reduce',
      '/r',
      reduce('resolutions: "1h"'),
      'resolutions: must be a list of strings',
    );
  });

  it('a bad duration is refused', async () => {
    await refused(
      'temporal-reduce',
      '/r',
      reduce('resolutions: ["1 fortnight"]'),
      'resolutions[0]',
      'fortnight',
    );
  });

  it('resolutions that are not multiples of each other are refused', async () => {
    await refused(
      'temporal-reduce',
      '/r',
      reduce('resolutions: ["1h", "90m"]'),
      'resolutions: 90m is not a whole multiple of 1h',
    );
  });

  it("bad SQL is refused at mknod with DuckDB's message", async () => {
    await refused(
      'sql-derived-table',
      '/views/bad',
      'patterns: { source: "series:///s.series" }\nquery: "SELEC v FROM source"\n',
      'syntax error',
      'SELEC',
    );
    await refused(
      'sql-derived-table',
      '/views/bad',
      'patterns: { source: "series:///s.series" }\nquery: "SELECT nope FROM source"\n',
      'nope',
    );
  });

  it('a pattern scheme the factory does not accept is refused', async () => {
    await refused(
      'sql-derived-table',
      '/views/bad',
      'patterns: { source: "data:///s.series" }\n',
      'patterns.source',
      'the data scheme is not accepted here',
    );
    await refused(
      'sql-derived-table',
      '/views/bad',
      'patterns: { source: "host+series:///tmp/x.parquet" }\n',
      'patterns.source',
      'host URL',
    );
  });

  it('a node that reads itself through a cycle is refused, not a hang', async () => {
    // /views/a reads /views/b, which does not exist yet: made, with a warning.
    const a = await p.run(
      'mknod',
      'sql-derived-table',
      '/views/a',
      '--config-path',
      await configFile('patterns: { b: "table:///views/b" }\nquery: "SELECT * FROM b"\n'),
    );
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain('cannot be read yet');
    // /views/b reading /views/a closes the loop.
    await refused(
      'sql-derived-table',
      '/views/b',
      'patterns: { a: "table:///views/a" }\nquery: "SELECT * FROM a"\n',
      'reads itself',
      '/views/b -> /views/a -> /views/b',
    );
    // A derived directory whose inputs include itself.
    await refused(
      'temporal-reduce',
      '/loop',
      `in_pattern: "series:///**"
out_pattern: "x"
resolutions: ["1h"]
aggregations: [{ type: count, columns: ["*"] }]
`,
      'reads itself',
    );
  });

  it('an existing path needs --overwrite; the same config is unchanged', async () => {
    const good = await configFile(reduce('resolutions: ["1h"]'));
    expect((await p.run('mknod', 'temporal-reduce', '/r', '--config-path', good)).code).toBe(0);
    await refused(
      'temporal-reduce',
      '/r',
      reduce('resolutions: ["2h"]'),
      "'/r' exists",
      '--overwrite',
    );
    const same = await p.run('mknod', 'temporal-reduce', '/r', '--config-path', good);
    expect(same.stdout).toContain('no transaction');
    const other = await configFile(reduce('resolutions: ["2h"]'));
    const replaced = await p.run(
      'mknod',
      'temporal-reduce',
      '/r',
      '--config-path',
      other,
      '--overwrite',
    );
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await p.ok('list', '/r/**')).toContain('/r/s/res=2h.series');
    // A stored file is never replaced by a factory node.
    await refused(
      'sql-derived-series',
      '/s.series',
      'patterns: { source: "series:///s.series" }\n',
      'stored series',
    );
  });

  it('an unknown factory or a missing config file is named', async () => {
    await refused('no-such-factory', '/x', 'a: 1\n', "unknown factory 'no-such-factory'");
    const before = await state();
    const r = await p.run(
      'mknod',
      'temporal-reduce',
      '/x',
      '--config-path',
      join(t.dir, 'nope.yaml'),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nope.yaml');
    expect(await state()).toBe(before);
  });
});
