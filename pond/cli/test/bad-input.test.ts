import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet, writeText } from './fixtures.js';
import { bound, runPond, tempDir } from './run-pond.js';

/**
 * Bad input gets a clear error naming the input and changes nothing: the pond's fsck report
 * (digest, files, orphans) is the same before and after.
 */
describe('bad input', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let baseline: string;

  beforeAll(async () => {
    t = await tempDir();
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'bad-input');
    await p.ok('mkdir', '/in');
    await writeParquet(join(t.dir, 'ok.parquet'), 'SELECT 1 AS x');
    await p.ok('copy', `host+table://${t.dir}/ok.parquet`, '/in/ok.table');
    await writeText(join(t.dir, 'not-parquet.parquet'), 'a,b\n1,2\n');
    await writeText(
      join(t.dir, 'ragged.csv'),
      'timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2,3\n2024-01-01 02:00:00,3\n',
    );
    await writeFile(
      join(t.dir, 'latin1.csv'),
      Buffer.concat([
        Buffer.from('timestamp,name\n2024-01-01 00:00:00,ok\n2024-01-01 01:00:00,'),
        Buffer.from([0xe9, 0xff]),
        Buffer.from('\n'),
      ]),
    );
    await writeText(join(t.dir, 'no-time.csv'), 'a,b\n1,2\n');
    baseline = await fsckState();
  });
  afterAll(async () => t.cleanup());

  async function fsckState(): Promise<string> {
    return (await p.ok('fsck')).replace(/^Checked.*\n/, '');
  }

  async function refused(args: string[], ...patterns: RegExp[]): Promise<void> {
    const r = await p.run(...args);
    expect(r.code, r.stdout).not.toBe(0);
    for (const re of patterns) expect(r.stderr).toMatch(re);
    expect(await fsckState()).toBe(baseline);
  }

  it('non-Parquet for host+table and host+series', async () => {
    await refused(
      ['copy', `host+table://${t.dir}/not-parquet.parquet`, '/in/x.table'],
      /not-parquet\.parquet is not a Parquet file \(no PAR1 magic/,
    );
    await refused(
      ['copy', `host+series://${t.dir}/not-parquet.parquet`, '/in/x.series'],
      /not a Parquet file/,
    );
  });

  it('a CSV with ragged rows: the lines and reasons, nothing imported', async () => {
    await refused(
      ['copy', `host+csv+series://${t.dir}/ragged.csv`, '/in/r.series'],
      /ragged\.csv: 1 row could not be read/,
      /line 3: too many columns/,
      /nothing was imported/,
    );
  });

  it('a CSV that is not UTF-8', async () => {
    await refused(
      ['copy', `host+csv+table://${t.dir}/latin1.csv`, '/in/l.table'],
      /latin1\.csv/,
      /line 3: invalid encoding/,
    );
  });

  it('a series without a timestamp column', async () => {
    await refused(
      ['copy', `host+csv+series://${t.dir}/no-time.csv`, '/in/n.series'],
      /no-time\.csv has no timestamp column/,
      /--timestamp-column/,
    );
    await refused(
      [
        'copy',
        `host+csv+series://${t.dir}/no-time.csv`,
        '/in/n.series',
        '--timestamp-column',
        'zz',
      ],
      /has no column 'zz'/,
    );
  });

  it('a source that does not exist', async () => {
    await refused(['copy', `host://${t.dir}/nope.csv`, '/in/'], /nope\.csv does not exist/);
  });

  it('paths that escape the root', async () => {
    await refused(['mkdir', '/../x'], /path '\/\.\.\/x' escapes the root/);
    await refused(['copy', `host+table://${t.dir}/ok.parquet`, '/in/../../x'], /escapes the root/);
    await refused(['cat', '/in/../../etc/passwd'], /escapes the root/);
  });

  it('copying several files onto a file', async () => {
    await refused(
      [
        'copy',
        `host+table://${t.dir}/ok.parquet`,
        `host+table://${t.dir}/ok.parquet`,
        '/in/ok.table',
      ],
      /several sources needs a directory destination/,
    );
  });

  it('raw data copied onto a table', async () => {
    await refused(
      ['copy', `host://${t.dir}/ragged.csv`, '/in/ok.table'],
      /'\/in\/ok\.table' is a table: copy Parquet/,
    );
  });

  it('a missing pond and a folder that is not a pond', async () => {
    const missing = await runPond(['--pond', join(t.dir, 'nowhere'), 'list']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no pond at .*nowhere: the folder does not exist/);
    const notPond = await runPond(['--pond', t.dir, 'list']);
    expect(notPond.stderr).toMatch(/is not a pond \(no data\/_delta_log\)/);
    const none = await runPond(['list'], { env: { POND: '' } });
    expect(none.stderr).toMatch(
      /no pond given: use --pond PATH or set the POND environment variable/,
    );
  });

  it('a corrupt _delta_log', async () => {
    const copy = await tempDir();
    try {
      const q = bound(copy.pond);
      await q.ok('init', '--birthplace', 'corrupt');
      await q.ok('mkdir', '/a');
      const log = join(copy.pond, 'data', '_delta_log');
      const commits = (await readdir(log)).filter((f) => f.endsWith('.json')).sort();
      await appendFile(join(log, commits[commits.length - 1]!), '{"add": {"path": "trunc');
      const r = await q.run('list', '/');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot open the pond at/);
      expect(r.stderr).toMatch(/00000000000000000002\.json/);
    } finally {
      await copy.cleanup();
    }
  });
});
