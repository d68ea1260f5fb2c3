import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeParquet, writeText } from './fixtures.js';
import { bound, runPond, tempDir } from './run-pond.js';

/** One pond shared by the tests of this file, built up step by step (they run in order). */
describe('pond CLI: init, mkdir, copy, list, cat, describe', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;

  beforeAll(async () => {
    t = await tempDir();
    p = bound(t.pond);
    await writeText(join(t.dir, 'notes.txt'), 'hello pond\n');
    await writeText(join(t.dir, 'notes2.txt'), 'second version\n');
    await writeText(join(t.dir, 'day1.csv'), sensorCsv('2024-01-01T00:00:00Z', 24));
    await writeText(join(t.dir, 'day2.csv'), sensorCsv('2024-01-02T00:00:00Z', 24, 100));
    await writeParquet(
      join(t.dir, 'pumps.parquet'),
      "SELECT * FROM (VALUES (1, 'a', 2.5::DOUBLE), (2, 'b', NULL)) t(id, name, flow)",
    );
  });
  afterAll(async () => t.cleanup());

  it('init makes a pond once', async () => {
    expect(await p.ok('init', '--birthplace', 'test-site')).toMatch(
      /Initialized pond [0-9a-f-]{36} at .* \(birthplace: test-site\)/,
    );
    const again = await p.run('init', '--birthplace', 'x');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a pond already exists at/);
    const noLabel = await runPond(['--pond', join(t.dir, 'other'), 'init']);
    expect(noLabel.code).toBe(2);
    expect(noLabel.stderr).toMatch(/--birthplace/);
  });

  it('mkdir needs the parent unless -p', async () => {
    const r = await p.run('mkdir', '/sensors/north');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'\/sensors' does not exist/);
    await p.ok('mkdir', '-p', '/sensors/north');
    await p.ok('mkdir', '/docs');
    const again = await p.run('mkdir', '/docs');
    expect(again.stderr).toMatch(/'\/docs' already exists/);
  });

  it('copies data, tables and CSV-converted series in', async () => {
    expect(await p.ok('copy', `host://${t.dir}/notes.txt`, '/docs/')).toMatch(
      /Copied \/docs\/notes.txt \[data\]/,
    );
    expect(await p.ok('copy', `host+table://${t.dir}/pumps.parquet`, '/pumps.table')).toMatch(
      /Copied \/pumps.table \[table\]/,
    );
    expect(
      await p.ok('copy', `host+csv+series://${t.dir}/day1.csv`, '/sensors/north/temp.series'),
    ).toMatch(/Copied \/sensors\/north\/temp.series \[series\] \(24 rows\)/);
    expect(await p.ok('copy', `host+csv+table://${t.dir}/day1.csv`, '/sensors/day1.table')).toMatch(
      /\[table\] \(24 rows\)/,
    );
  });

  it('writing an existing path makes a new version', async () => {
    expect(await p.ok('copy', `host://${t.dir}/notes2.txt`, '/docs/notes.txt')).toMatch(
      /New version of \/docs\/notes.txt \[data\]/,
    );
    expect(await p.ok('cat', '/docs/notes.txt')).toBe('second version\n');
    expect(
      await p.ok('copy', `host+csv+series://${t.dir}/day2.csv`, '/sensors/north/temp.series'),
    ).toMatch(/New version of/);
  });

  it('a series reads as the union of its versions', async () => {
    const csv = await p.ok(
      'cat',
      '/sensors/north/temp.series',
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) AS n, min(timestamp) AS lo, max(timestamp) AS hi FROM source',
    );
    expect(csv).toBe('n,lo,hi\n48,2024-01-01T00:00:00Z,2024-01-02T23:00:00Z\n');
    const desc = await p.ok('describe', '/sensors/north/temp.series');
    expect(desc).toContain('type: series');
    expect(desc).toContain('timestamp column: timestamp');
    expect(desc).toContain('time range: 2024-01-01T00:00:00Z .. 2024-01-02T23:00:00Z');
    expect(desc).toMatch(/v1 {2}txn \d+ .* 2024-01-01T00:00:00Z \.\. 2024-01-01T23:00:00Z/);
    expect(desc).toMatch(/v2 {2}txn \d+ .* 2024-01-02T00:00:00Z \.\. 2024-01-02T23:00:00Z/);
    expect(desc).toMatch(/timestamp +TIMESTAMP WITH TIME ZONE/);
  });

  it('cat --time-start/--time-end keep the rows of a time window (UTC, end inclusive)', async () => {
    const csv = await p.ok(
      'cat',
      '/sensors/north/temp.series',
      '--format',
      'csv',
      '--time-start',
      '2024-01-01T22:00:00',
      '--time-end',
      '2024-01-02T01:00:00',
    );
    expect(csv.trim().split('\n')).toEqual([
      'timestamp,temperature,site',
      '2024-01-01T22:00:00Z,21,north',
      '2024-01-01T23:00:00Z,21.5,north',
      '2024-01-02T00:00:00Z,110,north',
      '2024-01-02T01:00:00Z,110.5,north',
    ]);
  });

  it('cat prints tables with types, CSV, JSON lines and SQL results', async () => {
    const table = await p.ok('cat', '/pumps.table', '--format', 'table');
    expect(table).toContain('| id      | name    | flow   |');
    expect(table).toContain('| INTEGER | VARCHAR | DOUBLE |');
    expect(table).toContain('| 2       | b       | NULL   |');
    expect(table.trimEnd().split('\n').pop()).toBe('Summary: 2 total rows');
    expect(await p.ok('cat', '/pumps.table', '--format', 'json')).toBe(
      '{"id":1,"name":"a","flow":2.5}\n{"id":2,"name":"b","flow":null}\n',
    );
    expect(
      await p.ok(
        'cat',
        '/pumps.table',
        '--format',
        'csv',
        '--sql',
        'SELECT name FROM source WHERE id = 2',
      ),
    ).toBe('name\nb\n');
    expect(
      await p.ok(
        'cat',
        '/pumps.table',
        '--format',
        'table',
        '--sql',
        'SELECT * FROM source WHERE id > 5',
      ),
    ).toBe('No data found\n');
  });

  it('cat --format raw gives Parquet for tables and bytes for data', async () => {
    const r = await p.ok('cat', '/docs/notes.txt', '--format', 'raw');
    expect(r).toBe('second version\n');
    const bad = await p.run('cat', '/docs/notes.txt', '--format', 'table');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is a data file/);
  });

  it("bad SQL reaches the user with DuckDB's message and the query", async () => {
    const r = await p.run('cat', '/pumps.table', '--sql', 'SELECT nope FROM source');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Referenced column "nope" not found/);
    expect(r.stderr).toMatch(/in query:/);
  });

  it('reads CSV and Parquet on the host and CSV data in the pond without importing', async () => {
    const host = await runPond([
      'cat',
      `host+csv://${t.dir}/day1.csv`,
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) AS n FROM source',
    ]);
    expect(host.stdout).toBe('n\n24\n');
    const parquet = await runPond([
      'cat',
      `host+table://${t.dir}/pumps.parquet`,
      '--format',
      'csv',
    ]);
    expect(parquet.stdout).toBe('id,name,flow\n1,a,2.5\n2,b,\n');
    await p.ok('copy', `host://${t.dir}/day1.csv`, '/docs/raw.csv');
    expect(
      await p.ok(
        'cat',
        'csv:///docs/raw.csv',
        '--format',
        'csv',
        '--sql',
        'SELECT max(temperature) AS m FROM source',
      ),
    ).toBe('m\n21.5\n');
  });

  it("lists with the original's pattern rules", async () => {
    const paths = async (...args: string[]) =>
      (await p.ok('list', ...args))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').pop());
    expect(await paths('/')).toEqual(['/docs', '/pumps.table', '/sensors']);
    expect(await paths('/docs/')).toEqual(['/docs/notes.txt', '/docs/raw.csv']);
    expect(await paths('/docs')).toEqual(['/docs']);
    expect(await paths('**/*.csv')).toEqual(['/docs/raw.csv']);
    expect(await paths('/sensors/**')).toEqual([
      '/sensors/day1.table',
      '/sensors/north',
      '/sensors/north/temp.series',
    ]);
    expect(await paths()).toEqual([
      '/docs',
      '/docs/notes.txt',
      '/docs/raw.csv',
      '/pumps.table',
      '/sensors',
      '/sensors/day1.table',
      '/sensors/north',
      '/sensors/north/temp.series',
    ]);
    const line = (await p.ok('list', '/docs/notes.txt')).trim();
    expect(line).toMatch(
      /^\[FILE\] +15B [0-9a-f]{8}@[0-9a-f]{8} +v2 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +\/docs\/notes.txt$/,
    );
    expect((await p.ok('list', '/')).split('\n')[0]).toMatch(/^\[DIR\] +- /);
    expect(await p.ok('list', '-l', '/pumps.table')).toMatch(/^\[TBL\] +table /);
  });

  it('hides dot-names unless -a', async () => {
    await writeText(join(t.dir, '.secret'), 'x');
    await p.ok('copy', `host://${t.dir}/.secret`, '/docs/.secret');
    expect(await p.ok('list', '/docs/')).not.toContain('.secret');
    expect(await p.ok('list', '-a', '/docs/')).toContain('/docs/.secret');
  });

  it('copies out with globs and --strip-prefix: Parquet for tables and series, bytes for data', async () => {
    const out = join(t.dir, 'out');
    await p.ok('copy', '/sensors/**/*.series', '/docs/*', `host://${out}`);
    expect(await readFile(join(out, 'docs/notes.txt'), 'utf8')).toBe('second version\n');
    const rows = await duck<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${out}/sensors/north/temp.series')`,
    );
    expect(rows[0]?.n).toBe(48);
    const out2 = join(t.dir, 'out2');
    await p.ok('copy', '/sensors/north/*', `host://${out2}`, '--strip-prefix', '/sensors');
    const copied = await duck(
      `SELECT count(*)::INTEGER AS n, sum(temperature)::DOUBLE AS s FROM read_parquet('${out2}/north/temp.series')`,
    );
    const source = await duck(
      `SELECT count(*)::INTEGER AS n, sum(temperature)::DOUBLE AS s FROM read_csv('${t.dir}/day*.csv')`,
    );
    expect(copied).toEqual(source);
    // A host file that exists is not replaced unless --overwrite; a refusal writes nothing.
    await writeFile(join(out2, 'north', 'mine.txt'), "the user's own file\n");
    await p.ok('copy', '/docs/notes.txt', `host://${out2}/north`, '--strip-prefix', '/docs');
    const before = await readFile(join(out2, 'north/temp.series'));
    await writeFile(join(out2, 'north', 'notes.txt'), 'edited by the user\n');
    const clash = await p.run(
      'copy',
      '/sensors/north/*',
      `host://${out2}`,
      '--strip-prefix',
      '/sensors',
    );
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(
      `copy OUT would replace a host file that exists: ${join(out2, 'north/temp.series')}; nothing was written (--overwrite replaces them)`,
    );
    const docs = await p.run(
      'copy',
      '/docs/notes.txt',
      `host://${out2}/north`,
      '--strip-prefix',
      '/docs',
    );
    expect(docs.code).toBe(1);
    expect(await readFile(join(out2, 'north', 'notes.txt'), 'utf8')).toBe('edited by the user\n');
    expect(await readFile(join(out2, 'north', 'mine.txt'), 'utf8')).toBe("the user's own file\n");
    expect(await readFile(join(out2, 'north/temp.series'))).toEqual(before);
    await p.ok(
      'copy',
      '/docs/notes.txt',
      `host://${out2}/north`,
      '--strip-prefix',
      '/docs',
      '--overwrite',
    );
    expect(await readFile(join(out2, 'north', 'notes.txt'), 'utf8')).toBe('second version\n');
    const none = await p.run('copy', '/nothing/*', `host://${out}`);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/'\/nothing' does not exist/);
    const empty = await p.run('copy', '/sensors/*.nothing', `host://${out}`);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/nothing matches '\/sensors\/\*\.nothing'/);
  });

  it('log shows transactions with their commands and changes', async () => {
    const log = await p.ok('log', '--limit', '3');
    expect(log.match(/^Transaction \d+/gm)).toHaveLength(3);
    expect(log).toMatch(/copy host:\/\/.*\.secret \/docs\/.secret/);
    expect(log).toMatch(/created +data +\/docs\/.secret/);
    const all = await p.ok('log', '--limit', '100');
    expect(all).toMatch(/Transaction 1 .*\n {2}init --birthplace test-site/);
  });

  it('--as-of shows an earlier state', async () => {
    const seqs = (await p.ok('log', '--limit', '100'))
      .match(/^Transaction (\d+)/gm)!
      .map((l) => Number(l.split(' ')[1]));
    const first = Math.min(...seqs.filter((s) => s > 0));
    expect(await p.ok('list', '--as-of', String(first), '/')).toBe('');
    const mkdirTxn = first + 2; // init, mkdir -p /sensors/north, mkdir /docs
    expect(
      (await p.ok('list', '--as-of', String(mkdirTxn), '/'))
        .trim()
        .split('\n')
        .map((l) => l.split(' ').pop()),
    ).toEqual(['/docs', '/sensors']);
    const v1 = await p.ok('cat', '/docs/notes.txt', '--as-of', String(mkdirTxn + 1));
    expect(v1).toBe('hello pond\n');
    const bad = await p.run('list', '--as-of', '99999');
    expect(bad.stderr).toMatch(/transaction 99999 does not exist/);
  });

  it('show dumps the oplog and fsck is clean', async () => {
    const show = await p.ok('show');
    expect(show).toMatch(/^Pond [0-9a-f-]{36} \(test-site\), \d+ oplog rows/);
    expect(show).toMatch(/series +v2 blob sha256=/);
    const f = await p.ok('fsck');
    expect(f).toMatch(/^Checked transaction \d+/);
    expect(f.trim().split('\n').pop()).toBe('OK');
  });

  it('maintain compacts and checkpoints, and the pond reads the same after', async () => {
    const before = await p.ok('cat', '/sensors/north/temp.series', '--format', 'csv');
    const listBefore = await p.ok('list');
    const m = await p.ok('maintain');
    expect(m).toMatch(/Checkpoint at transaction \d+/);
    expect(await p.ok('cat', '/sensors/north/temp.series', '--format', 'csv')).toBe(before);
    expect(await p.ok('list')).toBe(listBefore);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
