import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/**
 * `pond copy` IN through the import plan, with the real binary: the dialect and column flags,
 * --dry-run (plan and preview, nothing written), and refusals that leave `pond log`, `pond fsck`
 * and the pond's folder as they were.
 */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('pond copy: import options', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  const host = (name: string) => join(t.dir, name);

  beforeAll(async () => {
    t = await tempDir('pond-import-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'import');
    await p.ok('mkdir', '/s');
    await writeText(
      host('day1.csv'),
      'timestamp,temperature,site\n2024-01-01 00:00:00,10.5,north\n2024-01-01 01:00:00,11,north\n',
    );
    await writeText(
      host('day2.csv'),
      'timestamp,temperature,site,depth\n2024-01-02 00:00:00,12.5,north,3.5\n',
    );
    await writeText(
      host('bad.csv'),
      'timestamp,temperature,site\n2024-01-03 00:00:00,9.5,north\n2024-01-03 01:00:00,9.5\n2024-01-03 02:00:00,n/a,north\n',
    );
  });
  afterAll(async () => t.cleanup());

  /** What a refused command must not change: the log, fsck's report, every file of the pond. */
  async function snapshot(): Promise<string> {
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(d, e.name));
        else files.push(join(d, e.name));
      }
    };
    await walk(t.pond);
    const fsck = (await p.ok('fsck')).replace(/^Checked.*\n/, '');
    return [await p.ok('log'), fsck, ...files.sort()].join('\n');
  }

  async function refused(args: string[], ...patterns: RegExp[]): Promise<string> {
    const before = await snapshot();
    const r = await p.run(...args);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const re of patterns) expect(r.stderr + r.stdout).toMatch(re);
    expect(await snapshot()).toBe(before);
    return r.stdout;
  }

  it('--dry-run prints the plan and a preview of the whole file, and writes nothing', async () => {
    const out = await refused(
      [
        'copy',
        `host+csv+series://${host('bad.csv')}`,
        '/s/temp.series',
        '--dry-run',
        '--column',
        'temperature:double',
      ],
      /the copy would be refused/,
      /2 rows cannot be read/,
    );
    expect(out).toContain(`host+csv+series://${host('bad.csv')} -> /s/temp.series: new series`);
    expect(out).toMatch(
      /dialect: delimiter ',', quote '"', escape '"', header yes, skip 0, encoding utf-8/,
    );
    expect(out).toMatch(/timestamp\s+TIMESTAMP WITH TIME ZONE\s+\(sniffed TIMESTAMP; event time\)/);
    expect(out).toMatch(/temperature\s+DOUBLE\s+\(sniffed VARCHAR\)/);
    expect(out).toMatch(/rows: 1, event time 2024-01-03T00:00:00Z \.\. 2024-01-03T00:00:00Z/);
    expect(out).toMatch(/\| 2024-01-03T00:00:00Z\s+\| 9\.5\s+\| north\s+\|/);
    expect(out).toMatch(/rejected rows: 2\n\s+line 3: missing columns \(column site\)/);
    expect(out).toMatch(/line 4: cast \(column temperature\)/);
  });

  it('an append shows how its columns compare with the stored ones', async () => {
    await p.ok('copy', `host+csv+series://${host('day1.csv')}`, '/s/temp.series');
    const before = await snapshot();
    const out = await p.ok(
      'copy',
      `host+csv+series://${host('day2.csv')}`,
      '/s/temp.series',
      '--dry-run',
    );
    expect(out).toContain('-> /s/temp.series: version 2 of the series /s/temp.series');
    expect(out).toMatch(/depth\s+DOUBLE\s+\(new column\)/);
    expect(out).toContain('Dry run: nothing was written');
    expect(await snapshot()).toBe(before);
  });

  it('refusals leave pond log, pond fsck and the folder unchanged', async () => {
    await refused(
      ['copy', `host+csv+series://${host('bad.csv')}`, '/s/temp.series'],
      /2 rows could not be read/,
      /line 3: missing columns/,
      /line 4: cast \(column temperature\)/,
    );
    await writeText(host('dropped.csv'), 'timestamp,temperature\n2024-01-04 00:00:00,1\n');
    await refused(
      ['copy', `host+csv+series://${host('dropped.csv')}`, '/s/temp.series'],
      /column 'site' \(VARCHAR\) is stored and missing from the new file/,
    );
    await writeText(host('epoch.csv'), 'timestamp,temperature,site\n1704326400,1,north\n');
    await refused(
      ['copy', `host+csv+series://${host('epoch.csv')}`, '/s/temp.series'],
      /holds numbers .*--timestamp-format epoch-s\|epoch-ms\|epoch-us/,
    );
    await refused(
      ['copy', `host+csv+series://${host('day1.csv')}`, '/s/x.series', '--column', 'nope:DOUBLE'],
      /has no column 'nope'/,
    );
    await refused(
      ['copy', `host+table://${host('day1.csv')}`, '/s/x.table', '--delimiter', ';'],
      /--delimiter read CSV/,
    );
    await refused(
      ['copy', '/s/temp.series', `host://${t.dir}/out/`, '--skip-rejected'],
      /apply to copy IN/,
    );
  });

  it('two sources of one name into one folder are refused, naming both, before anything is written', async () => {
    await mkdir(host('a'), { recursive: true });
    await mkdir(host('b'), { recursive: true });
    await writeText(host('a/x.csv'), 'timestamp,v\n2024-01-01 00:00:00,1\n');
    await writeText(host('b/x.csv'), 'timestamp,v\n2024-01-02 00:00:00,2\n');
    const [a, b] = [`host+csv+table://${host('a/x.csv')}`, `host+csv+table://${host('b/x.csv')}`];
    await refused(
      ['copy', a, b, '/s/'],
      new RegExp(`${escape(a)} and ${escape(b)} both go to '/s/x.csv'`),
      /one at a time \(the second then becomes a new version\)/,
    );
  });

  it('dialect and column flags: a preamble, semicolons, no header, Latin-1, renames, a skipped column, a null marker', async () => {
    await writeFile(
      host('logger.csv'),
      Buffer.from(
        'Logger 7 export\nsite: caf\xe9 du lac\n01/02/2024 10:00;7,5;-;x\n01/02/2024 10:30;8;9.5;y\n',
        'latin1',
      ),
    );
    const out = await p.ok(
      'copy',
      `host+csv+series://${host('logger.csv')}`,
      '/s/logger.series',
      '--skip',
      '2',
      '--delimiter',
      ';',
      '--no-header',
      '--encoding',
      'latin-1',
      '--column',
      '#1=timestamp',
      '--column',
      '#2=reading:VARCHAR',
      '--column',
      '#3=level:DOUBLE',
      '--skip-column',
      '#4',
      '--null',
      '-',
      '--timestamp-format',
      '%d/%m/%Y %H:%M',
    );
    expect(out).toMatch(/Copied \/s\/logger\.series \[series\] \(2 rows\)/);
    expect(await p.ok('cat', '/s/logger.series', '--format', 'csv')).toBe(
      'timestamp,reading,level\n2024-02-01T10:00:00Z,"7,5",\n2024-02-01T10:30:00Z,8,9.5\n',
    );
  });

  it('epoch units become times; the series records the time range', async () => {
    await writeText(host('ms.csv'), 'ts,v\n1704067200000,1\n1704067260500,2\n');
    await p.ok(
      'copy',
      `host+csv+series://${host('ms.csv')}`,
      '/s/ms.series',
      '--timestamp-format',
      'epoch-ms',
    );
    expect(await p.ok('cat', '/s/ms.series', '--format', 'csv')).toBe(
      'ts,v\n2024-01-01T00:00:00Z,1\n2024-01-01T00:01:00.5Z,2\n',
    );
    expect(await p.ok('describe', '/s/ms.series')).toMatch(
      /time range: 2024-01-01T00:00:00Z \.\. 2024-01-01T00:01:00\.500Z/,
    );
  });

  it('pond apply copy documents take the same options', async () => {
    await writeText(
      host('apply.csv'),
      'time;value\n2024-03-01 00:00;1\n2024-03-01 01:00;oops\n2024-03-01 02:00;3\n',
    );
    const doc = join(t.dir, 'apply.yaml');
    await writeText(
      doc,
      `version: v1
kind: copy
metadata: { path: /a/apply.series }
spec:
  source: "host+csv+series://${host('apply.csv')}"
  delimiter: ";"
  columns: ["value=reading:DOUBLE"]
  timestamp_column: time
  timestamp_format: "%Y-%m-%d %H:%M"
  skip_rejected: true
`,
    );
    const r = await p.run('apply', '-f', doc);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created\s+copy\s+\/a\/apply\.series/);
    expect(r.stderr).toMatch(/line 3: cast \(column reading\)/);
    expect(await p.ok('cat', '/a/apply.series', '--format', 'csv')).toBe(
      'time,reading\n2024-03-01T00:00:00Z,1\n2024-03-01T02:00:00Z,3\n',
    );
    expect(await p.ok('apply', '-f', doc)).toMatch(/all 1 unchanged, no transaction/);
  });
});
