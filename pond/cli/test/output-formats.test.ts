import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeParquet, writeText } from './fixtures.js';
import { bound, runPond, tempDir } from './run-pond.js';

/**
 * What scripts read from `pond`: the path as the last field of `pond list`, the entry type of a
 * derived node in `-l`, BLOB columns of `cat --format json|csv` that give back every byte, and
 * `--version`.
 */
describe('pond output for scripts', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;

  beforeAll(async () => {
    t = await tempDir('pond-output-');
    p = bound(t.pond);
    await writeText(join(t.dir, 'north.csv'), sensorCsv('2024-01-01T00:00:00Z', 6));
    await writeText(
      join(t.dir, 'view.yaml'),
      'patterns: { source: "series:///sensors/north.series" }\nquery: "SELECT * FROM source"\n',
    );
    await p.ok('init', '--birthplace', 'output');
    await p.ok('mkdir', '/sensors');
    await p.ok('copy', `host+csv+series://${join(t.dir, 'north.csv')}`, '/sensors/north.series');
    await p.ok(
      'mknod',
      'sql-derived-series',
      '/sensors/view.series',
      '--config-path',
      join(t.dir, 'view.yaml'),
    );
  });
  afterAll(async () => t.cleanup());

  it('list keeps the path the last field of every line, derived nodes included', async () => {
    const lines = (await p.ok('list', '/sensors/')).trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).pop())).toEqual([
      '/sensors/north.series',
      '/sensors/view.series',
    ]);
    expect(lines.join('\n')).not.toContain('dynamic');
  });

  it('list -l names a derived node series:dynamic and its factory, stored ones by their type', async () => {
    const lines = (await p.ok('list', '-l', '/sensors/')).trim().split('\n');
    const fields = lines.map((l) => l.split(/\s+/));
    expect(fields[0]!.slice(0, 3)).toEqual(['[SER]', 'series', '-']);
    expect(fields[1]!.slice(0, 3)).toEqual(['[SER]', 'series:dynamic', 'sql-derived-series']);
    expect(fields.map((f) => f.pop())).toEqual(['/sensors/north.series', '/sensors/view.series']);
    const dirs = (await p.ok('list', '-l', '/')).trim().split('\n');
    expect(dirs[0]!.split(/\s+/).slice(0, 3)).toEqual(['[DIR]', 'directory', '-']);
  });

  it('cat --format json and csv give BLOB columns as base64 that decodes to the stored bytes', async () => {
    // The bytes `\x41` (4 characters) and `A` look the same in DuckDB's text form of a BLOB.
    const file = join(t.dir, 'blobs.parquet');
    await writeParquet(
      file,
      `SELECT * FROM (VALUES
         (1, from_hex('5C783431')),
         (2, 'A'::BLOB),
         (3, ''::BLOB),
         (4, NULL),
         (5, from_hex((SELECT string_agg(lpad(to_hex(i), 2, '0'), '') FROM range(256) t(i))))
       ) t(id, b)`,
    );
    await p.ok('copy', `host+table://${file}`, '/blobs.table');
    const expected = await duck<{ id: number; hex: string | null }>(
      `SELECT id, hex(b) AS hex FROM read_parquet('${file}') ORDER BY id`,
    );
    const fromB64 = (v: unknown) =>
      v === null
        ? null
        : Buffer.from(v as string, 'base64')
            .toString('hex')
            .toUpperCase();

    // BLOBs inside a LIST and a STRUCT are given as base64 too.
    const nested =
      "SELECT id, b, [b, from_hex('00FF')] AS l, {'b': b} AS s FROM source ORDER BY id";
    const json = (await p.ok('cat', '/blobs.table', '--format', 'json', '--sql', nested))
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: number;
            b: string | null;
            l: (string | null)[];
            s: { b: string | null };
          },
      );
    expect(json.map((r) => [r.id, fromB64(r.b)])).toEqual(expected.map((e) => [e.id, e.hex]));
    expect(json[0]!.b).not.toBe(json[1]!.b);
    expect(json.map((r) => r.l.map(fromB64))).toEqual(expected.map((e) => [e.hex, '00FF']));
    expect(json.map((r) => fromB64(r.s.b))).toEqual(expected.map((e) => e.hex));

    const csv = (
      await p.ok(
        'cat',
        '/blobs.table',
        '--format',
        'csv',
        '--sql',
        'SELECT id, b FROM source ORDER BY id',
      )
    )
      .trim()
      .split('\n');
    expect(csv[0]).toBe('id,b');
    const cells = csv.slice(1).map((l) => l.split(','));
    expect(cells.map(([id, b]) => [Number(id), b === '' ? null : fromB64(b)])).toEqual(
      // CSV has no NULL apart from an empty field: the empty BLOB and NULL both read back empty.
      expected.map((e) => [e.id, e.hex === '' ? null : e.hex]),
    );

    // A table on the terminal keeps DuckDB's text form, for people.
    expect(
      await p.ok(
        'cat',
        '/blobs.table',
        '--format',
        'table',
        '--sql',
        'SELECT b FROM source WHERE id = 2',
      ),
    ).toContain('| A ');
  });

  it('--version and -V print the version alone; --help lists every command', async () => {
    const pkg = (await import('../../../package.json', { with: { type: 'json' } })).default as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await runPond([flag]);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
    const help = await runPond(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['init', 'list', 'cat', 'copy', 'export', 'serve', 'maintain'])
      expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(help.stdout).toContain('-V, --version');
  });
});
