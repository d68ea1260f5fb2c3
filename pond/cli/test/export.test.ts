import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeParquet, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  await walk(dir);
  return out.sort();
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('pond export', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let n = 0;
  const out = () => join(t.dir, `out${++n}`);

  beforeAll(async () => {
    t = await tempDir('pond-export-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'export');
    await p.ok('mkdir', '-p', '/sensors/north');
    await p.ok('mkdir', '-p', '/sensors/south');
    await p.ok('mkdir', '/bad');
    await writeText(join(t.dir, 'north.csv'), sensorCsv('2024-01-31T00:00:00Z', 48));
    await writeText(join(t.dir, 'south.csv'), sensorCsv('2024-02-10T00:00:00Z', 24, 50));
    await writeText(join(t.dir, 'readme.txt'), 'about these sensors\n');
    await writeParquet(
      join(t.dir, 'nulls.parquet'),
      "SELECT * FROM (VALUES (TIMESTAMPTZ '2024-01-01 00:00:00+00', 1), (NULL, 2)) t(timestamp, v)",
    );
    await writeParquet(join(t.dir, 'nots.parquet'), 'SELECT 1 AS v');
    await p.ok('copy', `host+csv+series://${t.dir}/north.csv`, '/sensors/north/temp.series');
    await p.ok('copy', `host+csv+series://${t.dir}/south.csv`, '/sensors/south/temp.series');
    await p.ok('copy', `host://${t.dir}/readme.txt`, '/docs/');
    await p.ok('copy', `host+table://${t.dir}/nulls.parquet`, '/bad/nulls.table');
    await p.ok('copy', `host+table://${t.dir}/nots.parquet`, '/bad/nots.table');
  });
  afterAll(async () => t.cleanup());

  it('no captures: the parent path and the name without extension', async () => {
    const o = out();
    await p.ok('export', '-p', '/sensors/north/temp.series', '--dir', o);
    expect(await tree(o)).toEqual(['export.json', 'sensors/north/temp/data.parquet']);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.exports['/sensors/north/temp.series']).toMatchObject({
      source: '/sensors/north/temp.series',
      type: 'series',
      captures: [],
      files: [{ path: 'sensors/north/temp/data.parquet', start: null, end: null, rows: 48 }],
    });
    expect(
      meta.exports['/sensors/north/temp.series'].schema.map((c: { name: string }) => c.name),
    ).toEqual(['timestamp', 'temperature', 'site']);
  });

  it('one capture, by year and month: one file per partition, times from the partition', async () => {
    const o = out();
    const summary = await p.ok(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o,
      '--temporal',
      'year,month',
    );
    expect(summary).toMatch(/Exported 2 targets from transaction \d+ into .*: 3 files, 72 rows/);
    expect(await tree(o)).toEqual([
      'export.json',
      'north/year=2024/month=1/data.parquet',
      'north/year=2024/month=2/data.parquet',
      'south/year=2024/month=2/data.parquet',
    ]);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.temporal).toEqual(['year', 'month']);
    expect(meta.exports['/sensors/*/temp.series'].north.files).toEqual([
      {
        path: 'north/year=2024/month=1/data.parquet',
        start: '2024-01-01T00:00:00Z',
        end: '2024-02-01T00:00:00Z',
        rows: 24,
        bytes: expect.any(Number),
      },
      {
        path: 'north/year=2024/month=2/data.parquet',
        start: '2024-02-01T00:00:00Z',
        end: '2024-03-01T00:00:00Z',
        rows: 24,
        bytes: expect.any(Number),
      },
    ]);
    for (const f of meta.exports['/sensors/*/temp.series'].north.files) {
      expect(f.bytes).toBe((await stat(join(o, f.path))).size);
    }
    // Every file read back with plain DuckDB: the rows of the source, split by month, no partition columns inside.
    const back = await duck(
      `SELECT * FROM read_parquet('${o}/north/*/*/data.parquet', hive_partitioning = false) ORDER BY timestamp`,
    );
    const source = JSON.parse(
      JSON.stringify(
        await duck(
          `SELECT timestamp::TIMESTAMPTZ AS timestamp, temperature, site FROM read_csv('${t.dir}/north.csv') ORDER BY timestamp`,
        ),
      ),
    );
    expect(JSON.parse(JSON.stringify(back))).toEqual(source);
    const jan = await duck<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${o}/north/year=2024/month=1/data.parquet') WHERE month(timestamp) = 1`,
    );
    expect(jan[0]!.n).toBe(24);
  });

  it('two captures, by year, month and day', async () => {
    const o = out();
    await p.ok('export', '-p', '/sensors/*/*.series', '--dir', o, '--temporal', 'year,month,day');
    expect(await tree(o)).toEqual([
      'export.json',
      'north/temp/year=2024/month=1/day=31/data.parquet',
      'north/temp/year=2024/month=2/day=1/data.parquet',
      'south/temp/year=2024/month=2/day=10/data.parquet',
    ]);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.exports['/sensors/*/*.series'].south.temp.files[0]).toMatchObject({
      start: '2024-02-10T00:00:00Z',
      end: '2024-02-11T00:00:00Z',
      rows: 24,
    });
  });

  it('a time range (UTC, end inclusive)', async () => {
    const o = out();
    await p.ok(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o,
      '--temporal',
      'year,month',
      '--start-time',
      '2024-02-01',
      '--end-time',
      '2024-02-01T05:00:00',
    );
    expect(await tree(o)).toEqual(['export.json', 'north/year=2024/month=2/data.parquet']);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.start).toBe('2024-02-01T00:00:00Z');
    expect(meta.end).toBe('2024-02-01T05:00:00Z');
    expect(meta.exports['/sensors/*/temp.series'].north.files[0].rows).toBe(6);
    expect(meta.exports['/sensors/*/temp.series'].south.files).toEqual([]);
    const bad = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      out(),
      '--start-time',
      '2024-02-30',
    );
    expect(bad.stderr).toMatch(/--start-time: '2024-02-30' is not a time/);
    const order = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      out(),
      '--start-time',
      '2024-03-01',
      '--end-time',
      '2024-02-01',
    );
    expect(order.stderr).toMatch(/--start-time is after --end-time/);
  });

  it('data files are copied byte for byte', async () => {
    const o = out();
    await p.ok('export', '-p', '/docs/*', '--dir', o);
    expect(await tree(o)).toEqual(['export.json', 'readme.txt']);
    expect(await readFile(join(o, 'readme.txt'), 'utf8')).toBe('about these sensors\n');
  });

  it('exporting again replaces the target cleanly: no duplicates, no stale partitions', async () => {
    const o = out();
    await p.ok('export', '-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year,month');
    await p.ok(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o,
      '--temporal',
      'year,month',
      '--start-time',
      '2024-02-01',
    );
    expect(await tree(o)).toEqual([
      'export.json',
      'north/year=2024/month=2/data.parquet',
      'south/year=2024/month=2/data.parquet',
    ]);
    await writeFile(join(o, 'keep.txt'), 'not ours');
    await p.ok('export', '-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year');
    expect(await tree(o)).toEqual([
      'export.json',
      'keep.txt',
      'north/year=2024/data.parquet',
      'south/year=2024/data.parquet',
    ]);
  });

  it('a nullable timestamp is refused before anything is written', async () => {
    const o = out();
    const r = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '-p',
      '/bad/nulls.table',
      '--dir',
      o,
      '--temporal',
      'year,month',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /'\/bad\/nulls.table': column timestamp is nullable and holds 1 null values/,
    );
    expect(await exists(o)).toBe(false);
    const nots = await p.run('export', '-p', '/bad/nots.table', '--dir', o);
    expect(nots.stderr).toMatch(/'\/bad\/nots.table' has no column named timestamp/);
  });

  it('bad temporal parts, directories, patterns that match nothing', async () => {
    const o = out();
    expect(
      (
        await p.run(
          'export',
          '-p',
          '/sensors/*/temp.series',
          '--dir',
          o,
          '--temporal',
          'month,year',
        )
      ).stderr,
    ).toMatch(/--temporal 'month,year': partitions must start with year/);
    expect(
      (await p.run('export', '-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year,week'))
        .stderr,
    ).toMatch(/'week' is not a time part/);
    expect(
      (await p.run('export', '-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year,day'))
        .stderr,
    ).toMatch(/without gaps/);
    expect((await p.run('export', '-p', '/sensors/*', '--dir', o)).stderr).toMatch(
      /matches directories, which are not exportable: \/sensors\/north, \/sensors\/south/,
    );
    expect((await p.run('export', '-p', '/nothing/*', '--dir', o)).stderr).toMatch(
      /'\/nothing' does not exist/,
    );
    expect((await p.run('export', '-p', '/sensors/*.none', '--dir', o)).stderr).toMatch(
      /nothing matches '\/sensors\/\*\.none'/,
    );
    expect(await exists(o)).toBe(false);
  });

  it('--json prints the metadata that export.json holds; --format json points to it', async () => {
    const o = out();
    const json = JSON.parse(
      await p.ok(
        'export',
        '-p',
        '/sensors/*/temp.series',
        '--dir',
        o,
        '--temporal',
        'year',
        '--json',
      ),
    );
    expect(json).toEqual(JSON.parse(await readFile(join(o, 'export.json'), 'utf8')));
    const old = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      out(),
      '--format',
      'json',
    );
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(
      /--format is the files' format \(parquet or csv\); print the metadata as JSON with --json/,
    );
  });

  it('templates render pages that reference exactly the files written', async () => {
    const o = out();
    await writeText(
      join(t.dir, 'page.md.njk'),
      '# {{ vars.title }} {{ args[0] }}\n{% for f in target.files %}- {{ f.path }} ({{ f.rows }} rows from {{ f.start }})\n{% endfor %}',
    );
    const r = await p.ok(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o,
      '--temporal',
      'year,month',
      '--template',
      `host://${t.dir}/page.md.njk`,
      '--var',
      'title=Water temperature',
    );
    expect(r).toMatch(/Page: .*north\/page\.md/);
    expect(await readFile(join(o, 'north/page.md'), 'utf8')).toBe(
      '# Water temperature north\n- north/year=2024/month=1/data.parquet (24 rows from 2024-01-01T00:00:00Z)\n- north/year=2024/month=2/data.parquet (24 rows from 2024-02-01T00:00:00Z)\n',
    );
    await writeText(join(t.dir, 'broken.md.njk'), 'ok\n{{ vars.nope }}\n');
    const o2 = out();
    const bad = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o2,
      '--template',
      `host://${t.dir}/broken.md.njk`,
    );
    expect(bad.stderr).toMatch(/template host:.*broken\.md\.njk line 2/);
    // The data was staged, but nothing is published when a page fails, and the folder the
    // export made for it is gone again.
    expect(await exists(o2)).toBe(false);
    await writeText(join(t.dir, 'syntax.md.njk'), 'a\nb\n{% for x in %}\n');
    const syntax = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      join(t.dir, 'never'),
      '--template',
      `host://${t.dir}/syntax.md.njk`,
    );
    expect(syntax.stderr).toMatch(/template host:.*syntax\.md\.njk line 3/);
    expect(await exists(join(t.dir, 'never'))).toBe(false);
  });

  it('exports the pond as of an earlier transaction', async () => {
    const o = out();
    const log = await p.ok('log', '--limit', '100');
    const northTxn = Number(/^Transaction (\d+).*\n.*north\.csv/m.exec(log)![1]);
    await p.ok('export', '-p', '/sensors/*/temp.series', '--dir', o, '--as-of', String(northTxn));
    expect(await tree(o)).toEqual(['export.json', 'north/data.parquet']);
  });
});
