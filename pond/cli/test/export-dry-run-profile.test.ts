import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeText } from './fixtures.js';
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

const sha = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

interface PlanJson {
  txn: number;
  targets: {
    source: string;
    rows: number;
    files: {
      path: string;
      start: string | null;
      end: string | null;
      rows: number;
      first: string | null;
      last: string | null;
    }[];
  }[];
  totals: { targets: number; files: number; rows: number };
  replaced: string[];
  removed: string[];
  warnings: string[];
  command: string;
}

/** The files of export.json, per source: path, period and rows (what the dry run promises). */
function metadataFiles(meta: { exports: Record<string, unknown> }): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const walk = (t: unknown) => {
    const leaf = t as {
      source?: string;
      files?: { path: string; start: string | null; end: string | null; rows: number }[];
    };
    if (typeof leaf.source === 'string' && Array.isArray(leaf.files)) {
      out[leaf.source] = leaf.files.map((f) => [f.path, f.start, f.end, f.rows]);
    } else for (const v of Object.values(t as Record<string, unknown>)) walk(v);
  };
  for (const t of Object.values(meta.exports)) walk(t);
  return out;
}

function planFiles(plan: PlanJson): Record<string, unknown[]> {
  return Object.fromEntries(
    plan.targets.map((t) => [t.source, t.files.map((f) => [f.path, f.start, f.end, f.rows])]),
  );
}

describe('pond export --dry-run, --format csv, --profile', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let n = 0;
  const out = () => join(t.dir, `out${++n}`);

  beforeAll(async () => {
    t = await tempDir('pond-export-plan-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'plans');
    for (const d of ['/sensors/north', '/sensors/south', '/etc/exports'])
      await p.ok('mkdir', '-p', d);
    await writeText(join(t.dir, 'north.csv'), sensorCsv('2024-01-31T00:00:00Z', 48));
    await writeText(join(t.dir, 'south.csv'), sensorCsv('2024-02-10T00:00:00Z', 24, 50));
    await p.ok('copy', `host+csv+series://${t.dir}/north.csv`, '/sensors/north/temp.series');
    await p.ok('copy', `host+csv+series://${t.dir}/south.csv`, '/sensors/south/temp.series');
    let ticks = 'timestamp,v\n';
    for (let i = 0; i < 1500; i++)
      ticks += `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${i}\n`;
    await writeText(join(t.dir, 'ticks.csv'), ticks);
    await p.ok('copy', `host+csv+series://${t.dir}/ticks.csv`, '/ticks.series');
  });
  afterAll(async () => t.cleanup());

  it('the dry run writes nothing, and the run writes exactly what it planned', async () => {
    const o = out();
    const args = ['-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year,month,day'];
    const text = await p.ok('export', ...args, '--dry-run');
    expect(text).toMatch(
      /^Dry run \(nothing written\): 2 targets from transaction \d+ into .* as parquet: 3 files, 72 rows/,
    );
    expect(text).toMatch(
      /north\/year=2024\/month=1\/day=31\/data\.parquet {2}2024-01-31T00:00:00Z \.\. 2024-02-01T00:00:00Z {2}24 rows/,
    );
    expect(await exists(o)).toBe(false);
    const plan = JSON.parse(await p.ok('export', ...args, '--dry-run', '--json')) as PlanJson;
    expect(plan.totals).toEqual({ targets: 2, files: 3, rows: 72 });
    expect(plan.targets[0]!.files[0]).toMatchObject({
      first: '2024-01-31T00:00:00Z',
      last: '2024-01-31T23:00:00Z',
    });
    expect(plan.command).toBe(
      `pond export -p '/sensors/*/temp.series' --dir ${o} --temporal year,month,day`,
    );
    expect(await exists(o)).toBe(false);

    await p.ok('export', ...args);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(metadataFiles(meta)).toEqual(planFiles(plan));
    expect(meta.txn).toBe(plan.txn);

    // Again with a narrower range: the plan names what it replaces and what it removes.
    const again = JSON.parse(
      await p.ok('export', ...args, '--start-time', '2024-02-01', '--dry-run', '--json'),
    ) as PlanJson;
    expect(again.replaced).toEqual([
      'export.json',
      'north/year=2024/month=2/day=1/data.parquet',
      'south/year=2024/month=2/day=10/data.parquet',
    ]);
    expect(again.removed).toEqual(['north/year=2024/month=1/day=31/data.parquet']);
    expect(again.warnings).toContain(
      "1 existing file under the targets' folders would be removed (not written again)",
    );
    await p.ok('export', ...args, '--start-time', '2024-02-01');
    expect(metadataFiles(JSON.parse(await readFile(join(o, 'export.json'), 'utf8')))).toEqual(
      planFiles(again),
    );
  });

  it('warns about an empty time range and thousands of partitions', async () => {
    const o = out();
    const empty = JSON.parse(
      await p.ok(
        'export',
        '-p',
        '/sensors/*/temp.series',
        '--dir',
        o,
        '--temporal',
        'year',
        '--start-time',
        '2030-01-01',
        '--dry-run',
        '--json',
      ),
    ) as PlanJson;
    expect(empty.totals.files).toBe(0);
    expect(empty.warnings).toContain(
      'the time range holds no rows of any target: the export would write no data',
    );
    const many = JSON.parse(
      await p.ok(
        'export',
        '-p',
        '/ticks.series',
        '--dir',
        o,
        '--temporal',
        'year,month,day,hour,minute',
        '--dry-run',
        '--json',
      ),
    ) as PlanJson;
    expect(many.totals.files).toBe(1500);
    expect(many.warnings).toContain(
      '1,500 files: thousands of small partitions are slow to write and to read; consider fewer time parts (--temporal year,month,day,hour)',
    );
    expect(await exists(o)).toBe(false);
  });

  it('CSV: one data.csv per partition, ISO-8601 UTC times, the same rows as the source', async () => {
    const o = out();
    const args = ['-p', '/sensors/*/temp.series', '--dir', o, '--temporal', 'year,month'];
    const plan = JSON.parse(
      await p.ok('export', ...args, '--format', 'csv', '--dry-run', '--json'),
    ) as PlanJson;
    await p.ok('export', ...args, '--format', 'csv');
    expect(await tree(o)).toEqual([
      'export.json',
      'north/year=2024/month=1/data.csv',
      'north/year=2024/month=2/data.csv',
      'south/year=2024/month=2/data.csv',
    ]);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.format).toBe('csv');
    expect(metadataFiles(meta)).toEqual(planFiles(plan));
    const text = await readFile(join(o, 'north/year=2024/month=1/data.csv'), 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual([
      'timestamp,temperature,site',
      '2024-01-31T00:00:00Z,10.0,north',
    ]);
    for (const f of meta.exports['/sensors/*/temp.series'].north.files)
      expect(f.bytes).toBe((await stat(join(o, f.path))).size);
    // Read back with plain DuckDB: every row of the source, times exact.
    const back = await duck(
      `SELECT timestamp::TIMESTAMPTZ AS timestamp, temperature, site FROM read_csv('${o}/north/*/*/*.csv', hive_partitioning = false) ORDER BY timestamp`,
    );
    const source = await duck(
      `SELECT timestamp::TIMESTAMPTZ AS timestamp, temperature, site FROM read_csv('${t.dir}/north.csv') ORDER BY timestamp`,
    );
    expect(JSON.parse(JSON.stringify(back))).toEqual(JSON.parse(JSON.stringify(source)));
    expect((await p.run('export', ...args, '--format', 'xlsx')).stderr).toMatch(
      /--format must be parquet or csv, not 'xlsx'/,
    );
  });

  it('a profile in the pond runs like the flags it holds, with relative times', async () => {
    const o1 = out();
    const o2 = out();
    await writeText(
      join(t.dir, 'portal.yaml'),
      `# the portal's monthly files\npatterns: ["/sensors/*/temp.series"]\ndir: ${o2}\ntemporal: [year, month]\nstart-time: 2024-02-01\nend-time: today\nvars: { title: Water }\nformat: parquet\n`,
    );
    await p.ok('copy', `host://${t.dir}/portal.yaml`, '/etc/exports/portal.yaml');
    await p.ok(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '--dir',
      o1,
      '--temporal',
      'year,month',
      '--start-time',
      '2024-02-01',
      '--end-time',
      'today',
      '--var',
      'title=Water',
    );
    const plan = JSON.parse(
      await p.ok('export', '--profile', '/etc/exports/portal.yaml', '--dry-run', '--json'),
    ) as PlanJson;
    expect(plan.command).toBe(
      `pond export -p '/sensors/*/temp.series' --dir ${o2} --temporal year,month --start-time=2024-02-01 --end-time=today --var title=Water`,
    );
    await p.ok('export', '--profile', '/etc/exports/portal.yaml');
    const files = (await tree(o1)).filter((f) => f !== 'export.json');
    expect(await tree(o2)).toEqual(await tree(o1));
    for (const f of files) expect(await sha(join(o2, f))).toBe(await sha(join(o1, f)));
    const m1 = JSON.parse(await readFile(join(o1, 'export.json'), 'utf8'));
    const m2 = JSON.parse(await readFile(join(o2, 'export.json'), 'utf8'));
    expect(metadataFiles(m2)).toEqual(metadataFiles(m1));
    expect(m2.end.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));

    const mixed = await p.run('export', '--profile', '/etc/exports/portal.yaml', '--dir', o1);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/--dir cannot be given beside it/);
  });

  it('a profile with an unknown key or a bad value is refused with the key and the reason', async () => {
    // Every key's checks are in pond/export/test/export-profile.test.ts; here, through the CLI.
    await writeFile(join(t.dir, 'bad.yaml'), 'patterns: [/a]\ndir: /tmp/x\ncolour: blue\n');
    await p.ok('copy', `host://${t.dir}/bad.yaml`, '/etc/exports/bad.yaml');
    const r = await p.run('export', '--profile', '/etc/exports/bad.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/export profile \/etc\/exports\/bad\.yaml: colour: unknown key/);
    const missing = await p.run('export', '--profile', '/etc/exports/none.yaml');
    expect(missing.stderr).toMatch(/none\.yaml/);
  });

  it('--dir naming a file is a clear error', async () => {
    await writeText(join(t.dir, 'a-file'), 'x');
    const r = await p.run('export', '-p', '/sensors/*/temp.series', '--dir', join(t.dir, 'a-file'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--dir .*a-file.*is a file, not a folder/);
    expect(await readFile(join(t.dir, 'a-file'), 'utf8')).toBe('x');
  });
});
