import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

function rows(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Every CSV read in place (`pond cat host+csv:///`, `csv:///` over a data file, a csv-directory
 * table, a factory's `csv:///` input) uses the strict reader of `pond copy`: the sniff is checked
 * against the header line, the whole file is read with every choice explicit, a bad row is
 * refused with its line, a bad time is an error (never a NULL), and duplicate names are refused.
 * DuckDB's own auto-detecting read_csv gets each of the files below wrong and exits 0.
 */
describe('CSV read in place is as strict as an import', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  const BAD_TIME_LINE = 30_000;
  const FRACTION_LINE = 25_002;

  const files: Record<string, string> = {
    'good.csv': 'id,at,v\n1,2024-01-01 10:00:00+02:00,1.5\n2,2024-01-01T10:00:00Z,2.5\n',
    // DuckDB alone takes lines 1-3 for a "preamble" and reads one row without the header.
    'ragged.csv': 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n',
    // DuckDB alone sniffs TIMESTAMPTZ and reads the bad value as NULL.
    'bad-time.csv': (() => {
      const lines = ['id,at'];
      for (let i = 2; i <= 40_000; i++) {
        const at =
          i === BAD_TIME_LINE
            ? '2024-06-01 25:99:00+00'
            : new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('Z', '+00');
        lines.push(`${i},${at}`);
      }
      return lines.join('\n') + '\n';
    })(),
    // DuckDB alone renames the second column to a_1.
    'dup.csv': 'a,a\n1,2\n',
    // Whole numbers for more rows than the sniffer reads (BIGINT), then a fraction: DuckDB's
    // integer reader rounds it to 2.
    'fraction.csv': (() => {
      const lines = ['id,n'];
      for (let i = 2; i <= 30_000; i++) lines.push(`${i},${i === FRACTION_LINE ? '1.5' : i % 10}`);
      return lines.join('\n') + '\n';
    })(),
  };

  beforeAll(async () => {
    t = await tempDir('pond-csv-read-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'csv-read');
    await p.ok('mkdir', '/raw');
    // The derived nodes are made over good files (mknod reads its inputs), then the files get
    // their real content as new versions.
    for (const [name, text] of Object.entries(files)) {
      await writeText(join(t.dir, name), text);
      await p.ok('copy', `host://${join(t.dir, 'good.csv')}`, `/raw/${name}`);
    }
    await writeText(join(t.dir, 'dir.yaml'), 'pattern: "csv:///raw/*.csv"\n');
    await p.ok('mknod', 'csv-directory', '/csv', '--config-path', join(t.dir, 'dir.yaml'));
    await p.ok('mkdir', '/derived');
    for (const name of Object.keys(files)) {
      const yaml = join(t.dir, `${name}.yaml`);
      await writeText(yaml, `patterns: { source: "csv:///raw/${name}" }\n`);
      await p.ok('mknod', 'sql-derived-table', `/derived/${name}`, '--config-path', yaml);
      await p.ok('copy', `host://${join(t.dir, name)}`, `/raw/${name}`);
    }
  });
  afterAll(async () => t.cleanup());

  /** The four ways to read one of the files. */
  const ways = (name: string) => [
    `host+csv://${join(t.dir, name)}`,
    `csv:///raw/${name}`,
    `/csv/${name}`,
    `/derived/${name}`,
  ];

  it('a good file reads the same every way: offsets applied, times as TIMESTAMPTZ', async () => {
    for (const source of ways('good.csv')) {
      const out = await p.ok(
        'cat',
        source,
        '--format',
        'json',
        '--sql',
        `SELECT id, strftime("at", '%Y-%m-%dT%H:%M:%S') AS "at", typeof("at") AS t, v FROM source ORDER BY id`,
      );
      expect(rows(out), source).toEqual([
        { id: 1, at: '2024-01-01T08:00:00', t: 'TIMESTAMP WITH TIME ZONE', v: 1.5 },
        { id: 2, at: '2024-01-01T10:00:00', t: 'TIMESTAMP WITH TIME ZONE', v: 2.5 },
      ]);
    }
  });

  it('ragged rows are refused with their lines, never read as a preamble', async () => {
    for (const source of ways('ragged.csv')) {
      const r = await p.run('cat', source, '--format', 'json');
      expect(r.code, `${source}: ${r.stdout}`).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/2 rows could not be read/);
      expect(r.stderr).toMatch(/line 3: missing columns/);
      expect(r.stderr).toMatch(/line 4: too many columns/);
    }
  });

  it('a time that does not read is refused with its line, never a NULL', async () => {
    for (const source of ways('bad-time.csv')) {
      const r = await p.run(
        'cat',
        source,
        '--format',
        'csv',
        '--sql',
        'SELECT count("at") FROM source',
      );
      expect(r.code, `${source}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`line ${BAD_TIME_LINE}: cast \\(column at\\)`));
    }
  });

  it('a fraction in a column sniffed as whole numbers is refused with its line, never rounded', async () => {
    for (const source of ways('fraction.csv')) {
      const r = await p.run('cat', source, '--format', 'csv', '--sql', 'SELECT sum(n) FROM source');
      expect(r.code, `${source}: ${r.stdout}`).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `line ${FRACTION_LINE}: not whole (column n): '1.5' is not a whole number that fits BIGINT`,
      );
      expect(r.stderr).toContain('--column n:double');
      expect(r.stderr).not.toMatch(/Invalid Input Error/);
    }
  });

  it('duplicate column names are refused, never renamed', async () => {
    for (const source of ways('dup.csv')) {
      const r = await p.run('cat', source, '--format', 'json');
      expect(r.code, `${source}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr).toMatch(/columns 1 and 2 are both named 'a'/);
    }
  });

  it('URL parameters make the choices the sniff cannot: skip, null, encoding', async () => {
    const logger = join(t.dir, 'logger.csv');
    await writeText(
      logger,
      'Logger 7\nexported 2024-05-01\nat;level\n2024-05-01 00:00:00;-\n2024-05-01 01:00:00;2.5\n',
    );
    const url = `host+csv://${logger}?skip=2&delimiter=;&null=-`;
    expect(
      rows(await p.ok('cat', url, '--format', 'json', '--sql', 'SELECT level FROM source')),
    ).toEqual([{ level: null }, { level: 2.5 }]);
    const bad = await p.run('cat', `host+csv://${logger}?skip=x`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/skip 'x' is not a number of lines/);
  });
});
