import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorCsv, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/** Everything under a folder (hidden entries too): path, kind, size and mtime, to compare. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const s = await lstat(d);
    out.push(
      `${relative(dir, d) || '.'} ${s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other'} ${s.isDirectory() ? '' : s.size} ${s.mtimeMs}`,
    );
    if (s.isDirectory()) for (const e of (await readdir(d)).sort()) await walk(join(d, e));
  };
  await walk(dir);
  return out;
}

/** The files under a folder, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

interface PlanJson {
  replaced: string[];
  removed: string[];
}

describe('pond export replaces or removes only files an export wrote', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let n = 0;
  const out = () => join(t.dir, `out${++n}`);
  const series = (o: string, ...more: string[]) => [
    'export',
    '-p',
    '/sensors/*/temp.series',
    '--dir',
    o,
    ...more,
  ];

  /** The dry run and the run both refuse with `message`, and leave `o` exactly as it was. */
  async function refused(args: string[], o: string, message: RegExp): Promise<string> {
    const before = await listing(o);
    const dry = await p.run(...args, '--dry-run');
    expect(dry.code, dry.stdout + dry.stderr).toBe(1);
    expect(dry.stderr).toMatch(message);
    expect(dry.stdout).toBe('');
    const run = await p.run(...args);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Nothing was written\.\n$/);
    expect(await listing(o)).toEqual(before);
    return run.stderr;
  }

  beforeAll(async () => {
    t = await tempDir('pond-export-own-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'ownership');
    for (const d of ['/sensors/north', '/sensors/south', '/docs', '/etc/exports'])
      await p.ok('mkdir', '-p', d);
    await writeText(join(t.dir, 'north.csv'), sensorCsv('2024-01-31T00:00:00Z', 48));
    await writeText(join(t.dir, 'south.csv'), sensorCsv('2024-02-10T00:00:00Z', 24, 50));
    await writeText(join(t.dir, 'readme.txt'), 'about these sensors\n');
    await writeText(join(t.dir, 'notes.txt'), 'site visits\n');
    await p.ok('copy', `host+csv+series://${t.dir}/north.csv`, '/sensors/north/temp.series');
    await p.ok('copy', `host+csv+series://${t.dir}/south.csv`, '/sensors/south/temp.series');
    await p.ok('copy', `host://${t.dir}/readme.txt`, `host://${t.dir}/notes.txt`, '/docs/');
    await writeText(
      join(t.dir, 'index.md.njk'),
      '# {{ target.source }}\n{% for f in target.files %}- {{ f.path }}\n{% endfor %}',
    );
  });
  afterAll(async () => t.cleanup());

  it("a user's file in a target's folder: refused by the dry run, the run and a profile", async () => {
    const o = out();
    await p.ok(...series(o, '--temporal', 'year,month'));
    await writeFile(join(o, 'north', 'notes.txt'), 'my notes');
    const args = series(o, '--temporal', 'year');
    const err = await refused(args, o, /north\/notes\.txt/);
    expect(err).toMatch(
      new RegExp(
        `^pond: export folder ${o} holds a file no export wrote, where this export writes \\(it would replace or remove it\\): north/notes\\.txt\\. Move it away or export into another folder;`,
      ),
    );
    // The same from cron: a profile that writes into that folder.
    await writeText(
      join(t.dir, 'p.yaml'),
      `patterns: ["/sensors/*/temp.series"]\ndir: ${o}\ntemporal: [year]\n`,
    );
    await p.ok('copy', `host://${t.dir}/p.yaml`, '/etc/exports/p.yaml');
    await refused(['export', '--profile', '/etc/exports/p.yaml'], o, /north\/notes\.txt/);

    // Many files, and an empty folder: a few are named, all are counted.
    for (let i = 0; i < 6; i++) await writeFile(join(o, 'south', `mine-${i}.csv`), `${i}`);
    await mkdir(join(o, 'north', 'archive'));
    const many = await refused(args, o, /holds 8 files no export wrote/);
    expect(many).toMatch(/north\/archive\/ \(an empty folder\)/);
    expect(many).toMatch(/, and 3 more\. Move them away/);

    // Once they are gone, the export runs and replaces what the earlier export wrote.
    await rm(join(o, 'north', 'notes.txt'));
    await rm(join(o, 'north', 'archive'), { recursive: true });
    for (let i = 0; i < 6; i++) await rm(join(o, 'south', `mine-${i}.csv`));
    await p.ok(...args);
    expect(await tree(o)).toEqual([
      'export.json',
      'north/year=2024/data.parquet',
      'south/year=2024/data.parquet',
    ]);
  });

  it('a folder the user filled before any export is refused; files beside the places are kept', async () => {
    const o = out();
    await mkdir(join(o, 'north'), { recursive: true });
    await writeFile(join(o, 'north', 'data.parquet'), 'not parquet, and not ours');
    await refused(series(o), o, /north\/data\.parquet\./);
    await rm(join(o, 'north', 'data.parquet'));
    // An empty folder at a target's place, and files beside the places, are no obstacle.
    await writeFile(join(o, 'README.md'), 'the portal');
    await mkdir(join(o, 'later'));
    const before = (await listing(o)).filter((l) => /^(README\.md|later) /.test(l));
    await p.ok(...series(o));
    expect(await tree(o)).toEqual([
      'README.md',
      'export.json',
      'north/data.parquet',
      'south/data.parquet',
    ]);
    expect((await listing(o)).filter((l) => /^(README\.md|later) /.test(l))).toEqual(before);
  });

  it('a data target: a file at its place is refused; one beside it is left alone', async () => {
    const o = out();
    await mkdir(join(o, 'docs'), { recursive: true });
    await writeFile(join(o, 'docs', 'readme.txt'), 'my own readme');
    await writeFile(join(o, 'docs', 'other.txt'), 'my other file');
    const args = ['export', '-p', '/docs/readme.txt', '--dir', o];
    await refused(args, o, /: docs\/readme\.txt\./);
    expect(await readFile(join(o, 'docs', 'readme.txt'), 'utf8')).toBe('my own readme');
    await rm(join(o, 'docs', 'readme.txt'));
    const other = (await listing(o)).find((l) => l.startsWith('docs/other.txt '));
    await p.ok(...args);
    await p.ok(...args);
    expect(await readFile(join(o, 'docs', 'readme.txt'), 'utf8')).toBe('about these sensors\n');
    expect((await listing(o)).find((l) => l.startsWith('docs/other.txt '))).toBe(other);
  });

  it('where a page would go: refused; pages an export wrote are replaced and removed', async () => {
    const o = out();
    const tpl = `host://${t.dir}/index.md.njk`;
    await mkdir(join(o, 'docs'), { recursive: true });
    await writeFile(join(o, 'docs', 'index.md'), 'my index');
    const args = ['export', '-p', '/docs/readme.txt', '--dir', o, '--template', tpl];
    await refused(args, o, /: docs\/index\.md\./);
    await rm(join(o, 'docs', 'index.md'));
    await p.ok(...args);
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.pages).toEqual(['docs/index.md']);
    expect(meta.kept).toEqual([]);
    // Again: the page is the pond's now, and is replaced.
    await p.ok(...args);
    expect(await readFile(join(o, 'docs', 'index.md'), 'utf8')).toBe(
      '# /docs/readme.txt\n- docs/readme.txt\n',
    );

    // A page in a table's folder: written, then removed by an export without the template.
    const o2 = out();
    await p.ok(...series(o2, '--template', tpl));
    expect(await tree(o2)).toContain('north/index.md');
    const plan = JSON.parse(await p.ok(...series(o2, '--dry-run', '--json'))) as PlanJson;
    expect(plan.removed).toEqual(['north/index.md', 'south/index.md']);
    expect(plan.replaced).toEqual(['export.json', 'north/data.parquet', 'south/data.parquet']);
    await p.ok(...series(o2));
    expect(await tree(o2)).toEqual(['export.json', 'north/data.parquet', 'south/data.parquet']);
  });

  it('pages that would land on each other or on data are refused before anything is written', async () => {
    const o = out();
    // Two data files in one folder (here the output folder itself) share their page's place.
    const r = await p.run(
      'export',
      '-p',
      '/docs/*',
      '--dir',
      o,
      '--template',
      `host://${t.dir}/index.md.njk`,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /its page for '\/docs\/readme\.txt' would be written to index\.md, over the page of template .*index\.md\.njk for '\/docs\/notes\.txt'/,
    );
    await writeText(join(t.dir, 'data.parquet.njk'), 'not data');
    const over = await p.run(...series(o, '--template', `host://${t.dir}/data.parquet.njk`));
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/over the file north\/data\.parquet/);
    expect(await readdir(t.dir)).not.toContain(basename(o));
    // Two targets one inside the other: the table's folder would be replaced whole.
    await writeText(join(t.dir, 'n.txt'), 'in north');
    await p.ok('mkdir', '-p', '/north/deep');
    await p.ok('copy', `host://${t.dir}/n.txt`, '/north/deep/');
    const clash = await p.run(
      'export',
      '-p',
      '/sensors/*/temp.series',
      '-p',
      '/north/deep/n.txt',
      '--dir',
      out(),
    );
    expect(clash.code).toBe(1);
    expect(await readdir(t.dir)).not.toContain(`out${n}`);
    expect(clash.stderr).toMatch(
      /'\/sensors\/north\/temp\.series' and '\/north\/deep\/n\.txt' would be written to north and north\/deep\/n\.txt, one inside the other/,
    );
  });

  it('an export.json that is not an export’s is refused, whatever it holds', async () => {
    for (const [what, content] of [
      ['JSON of another tool', '{"name": "portal", "files": []}\n'],
      ['not JSON', 'export of 2023, see the wiki\n'],
      ['a path outside', '{"pond":"x","txn":1,"created":"x","exports":{},"kept":["../notes.txt"]}'],
    ] as const) {
      const o = out();
      await mkdir(o);
      await writeFile(join(o, 'export.json'), content);
      const err = await refused(series(o), o, /export\.json is not the metadata of a pond export/);
      expect(err, what).toMatch(
        /no "pond" string|it is not JSON|it lists '\.\.\/notes\.txt', which is outside the folder/,
      );
    }
    const o = out();
    await mkdir(join(o, 'export.json'), { recursive: true });
    await refused(
      series(o),
      o,
      /export\.json is not the metadata of a pond export \(it is a folder\)/,
    );
  });

  it('exporting twice: partitions no longer written go; other exports’ files are kept, and stay ours', async () => {
    const o = out();
    await p.ok(...series(o, '--temporal', 'year,month'));
    // Another pattern into the same folder: its own place, beside the first export's.
    await p.ok('export', '-p', '/docs/readme.txt', '--dir', o);
    let meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.kept).toEqual([
      'north/year=2024/month=1/data.parquet',
      'north/year=2024/month=2/data.parquet',
      'south/year=2024/month=2/data.parquet',
    ]);
    // The first pattern again, narrower: it replaces and removes its files, though export.json
    // now lists them only as kept.
    const args = series(o, '--temporal', 'year,month', '--start-time', '2024-02-01');
    const plan = JSON.parse(await p.ok(...args, '--dry-run', '--json')) as PlanJson;
    expect(plan.removed).toEqual(['north/year=2024/month=1/data.parquet']);
    expect(plan.replaced).toEqual([
      'export.json',
      'north/year=2024/month=2/data.parquet',
      'south/year=2024/month=2/data.parquet',
    ]);
    await p.ok(...args);
    expect(await tree(o)).toEqual([
      'docs/readme.txt',
      'export.json',
      'north/year=2024/month=2/data.parquet',
      'south/year=2024/month=2/data.parquet',
    ]);
    meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.kept).toEqual(['docs/readme.txt']);
    // A file removed by hand is dropped from the list; the data target is still the pond's.
    await p.ok('export', '-p', '/docs/readme.txt', '--dir', o);
    await rm(join(o, 'south'), { recursive: true });
    await p.ok('export', '-p', '/docs/readme.txt', '--dir', o);
    meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    expect(meta.kept).toEqual(['north/year=2024/month=2/data.parquet']);
  });

  it('an export.json of an earlier version (no pages, no kept) is still read', async () => {
    const o = out();
    await p.ok(...series(o, '--temporal', 'year,month'));
    const meta = JSON.parse(await readFile(join(o, 'export.json'), 'utf8'));
    delete meta.pages;
    delete meta.kept;
    await writeFile(join(o, 'export.json'), JSON.stringify(meta));
    await p.ok(...series(o, '--temporal', 'year'));
    expect(await tree(o)).toEqual([
      'export.json',
      'north/year=2024/data.parquet',
      'south/year=2024/data.parquet',
    ]);
  });
});
