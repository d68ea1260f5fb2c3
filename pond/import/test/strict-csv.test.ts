import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { literal } from '../../duckdb/sql.js';
import { copyIn, type CopyInOptions } from '../../import/copy-in.js';
import { planImport } from '../plan.js';
import { previewAndStage } from '../preview.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * CSV is read strictly over the whole file, not only DuckDB's sniff sample: a row that does not
 * fit fails the import with its line and reason (or is skipped and reported), and a file DuckDB's
 * sniffer misreads is refused, never stored as garbage. Every refusal leaves the pond as it was,
 * with no temp file behind.
 */
describe('strict CSV import', () => {
  let s: Sandbox;
  const ROWS = 300_000;
  let base: string[];

  beforeAll(async () => {
    s = await sandbox('import-strict-');
    base = ['timestamp,v,site'];
    for (let i = 0; i < ROWS; i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000)
        .toISOString()
        .replace('T', ' ')
        .slice(0, 19);
      base.push(`${t},${(i % 1000) / 10},s${i % 3}`);
    }
  });
  afterAll(async () => s.close());

  /** The lines of the base file with line `n` (1-based, the header is line 1) replaced. */
  const withLine = (n: number, text: string) =>
    [...base.slice(0, n - 1), text, ...base.slice(n)].join('\n') + '\n';

  async function refused(
    source: string,
    dest: string,
    options: CopyInOptions,
    ...patterns: RegExp[]
  ): Promise<PondError> {
    const before = await s.state();
    const e = await copyIn(s.pond, [source], dest, { command: ['test'] }, options).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `${source} was imported`).toBeInstanceOf(PondError);
    for (const re of patterns) expect((e as PondError).message).toMatch(re);
    expect(await s.state()).toBe(before);
    return e as PondError;
  }

  it('ragged rows, more and fewer fields, at line 3 and at line 300,000: refused with the line', async () => {
    const cases: [number, string, RegExp][] = [
      [3, '2024-01-01 00:01:00,1.5,s1,extra', /line 3: too many columns/],
      [3, '2024-01-01 00:01:00,1.5', /line 3: missing columns/],
      [ROWS, '2024-07-01 00:00:00,1.5,s1,extra', new RegExp(`line ${ROWS}: too many columns`)],
      [ROWS, '2024-07-01 00:00:00,1.5', new RegExp(`line ${ROWS}: missing columns`)],
    ];
    for (const [i, [line, text, re]] of cases.entries()) {
      const f = await s.file(`ragged${i}.csv`, withLine(line, text));
      const e = await refused(
        `host+csv+series://${f}`,
        `/ragged${i}.series`,
        {},
        /1 row could not be read/,
        re,
        /nothing was imported/,
      );
      expect(e.code).toBe(ErrorCode.BadInput);
    }
  });

  it('--skip-rejected imports every other row exactly and reports the bad one', async () => {
    const f = await s.file('skip.csv', withLine(ROWS, '2024-07-01 00:00:00,1.5,s1,extra'));
    const warnings: string[] = [];
    const r = await copyIn(
      s.pond,
      [`host+csv+series://${f}`],
      '/skip.series',
      { command: ['t'] },
      {
        skipRejected: true,
        onRejected: (m) => warnings.push(m),
      },
    );
    expect(r.files[0]).toMatchObject({ rows: ROWS - 1, rejected: 1, created: true });
    expect(warnings.join('\n')).toMatch(new RegExp(`line ${ROWS}: too many columns`));
    const [want] = await s.duck<{ n: number; v: number }>(
      `SELECT count(*)::DOUBLE AS n, sum(v)::DOUBLE AS v FROM read_csv(${literal(f)}, null_padding = false, ignore_errors = true, columns = {'timestamp': 'VARCHAR', 'v': 'DOUBLE', 'site': 'VARCHAR'}, header = true, auto_detect = false)`,
    );
    const [got] = await s.pond.read(async (txn) => {
      const v = (await (await txn.wd()).get('/skip.series')).node;
      if (!('versions' in v)) throw new Error('not a file');
      const blob = (await v.versions())[0]!.blobPath!;
      return s.duck<{ n: number; v: number }>(
        `SELECT count(*)::DOUBLE AS n, sum(v)::DOUBLE AS v FROM read_parquet(${literal(blob)})`,
      );
    });
    expect(got).toEqual(want);
  });

  it('files that DuckDB alone reads as one text column or without their header are refused', async () => {
    // DuckDB's own sniff of these: one VARCHAR column named "a,b,c" (delimiter |), and a
    // "preamble" of 3 skipped lines leaving one row with columns column0..column3.
    const oneColumn = await s.file('one-column.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    await refused(
      `host+csv+table://${oneColumn}`,
      '/one-column.table',
      {},
      /2 rows could not be read/,
      /line 3: missing columns/,
      /line 4: too many columns/,
    );
    const headerLost = await s.file('header-lost.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n');
    await refused(
      `host+csv+table://${headerLost}`,
      '/header-lost.table',
      {},
      /line 3: missing columns/,
    );
    // A header with another delimiter than the rows: not read as one column "a;b;c".
    const mixed = await s.file('mixed.csv', 'a;b;c\n1,2,3\n4,5,6\n');
    await refused(`host+csv+table://${mixed}`, '/mixed.table', {}, /line 1|line 2/);
  });

  it('an empty file, a header-only file and blank lines are clear errors', async () => {
    const empty = await s.file('empty.csv', '');
    await refused(`host+csv+table://${empty}`, '/e.table', {}, /empty\.csv is empty/);
    for (const [name, text] of [
      ['header-only.csv', 'timestamp,v\n'],
      ['header-only-no-eol.csv', 'timestamp,v'],
    ]) {
      const f = await s.file(name!, text!);
      await refused(
        `host+csv+series://${f}`,
        '/h.series',
        {},
        /has a header \(line 1\) but no rows/,
      );
    }
    const blank = await s.file('blank.csv', '\n\n\n');
    await refused(`host+csv+table://${blank}`, '/b.table', {}, /nothing to import/);
  });

  it('duplicate column names are refused, never renamed; a rename by position fixes them', async () => {
    const dup = await s.file('dup.csv', 'a,a,b\n1,2,3\n');
    await refused(
      `host+csv+table://${dup}`,
      '/dup.table',
      {},
      /columns 1 and 2 are both named 'a'/,
      /--column '#2=NEW_NAME'/,
    );
    const caseDup = await s.file('case-dup.csv', 'Temp,temp\n1,2\n');
    await refused(
      `host+csv+table://${caseDup}`,
      '/case.table',
      {},
      /columns 1 and 2 are both named/,
    );
    await copyIn(
      s.pond,
      [`host+csv+table://${dup}`],
      '/dup.table',
      { command: ['t'] },
      {
        columns: [{ column: '#2', rename: 'a2' }],
      },
    );
    const rows = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/dup.table')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck(
        `SELECT * FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)})`,
      );
    });
    expect(rows).toEqual([{ a: 1n, a2: 2n, b: 3n }]);
  });

  it("'n/a' deep in a number column fails with its line, unless the user says what it is", async () => {
    const f = await s.file('na.csv', withLine(200_001, '2024-05-01 00:00:00,n/a,s1'));
    await refused(
      `host+csv+series://${f}`,
      '/na.series',
      {},
      /line 200001: cast \(column v\)/,
      /"n\/a"/,
      /--null n\/a/,
    );
    const asNull = await copyIn(
      s.pond,
      [`host+csv+series://${f}`],
      '/na.series',
      { command: ['t'] },
      {
        nullStrings: ['n/a'],
      },
    );
    expect(asNull.files[0]!.rows).toBe(ROWS);
    const asText = await copyIn(
      s.pond,
      [`host+csv+table://${f}`],
      '/na-text.table',
      { command: ['t'] },
      {
        columns: [{ column: 'v', type: 'varchar' }],
      },
    );
    expect(asText.files[0]!.rows).toBe(ROWS);
    const counts = await s.pond.read(async (txn) => {
      const wd = await txn.wd();
      const blob = async (p: string) => {
        const node = (await wd.get(p)).node;
        if (!('versions' in node)) throw new Error('not a file');
        return (await node.versions())[0]!.blobPath!;
      };
      return s.duck(
        `SELECT (SELECT count(v) FROM read_parquet(${literal(await blob('/na.series'))}))::INTEGER AS nulls_read,
                (SELECT count(*) FROM read_parquet(${literal(await blob('/na-text.table'))}) WHERE v = 'n/a')::INTEGER AS text_kept,
                (SELECT typeof(v) FROM read_parquet(${literal(await blob('/na-text.table'))}) LIMIT 1) AS type`,
      );
    });
    expect(counts).toEqual([{ nulls_read: ROWS - 1, text_kept: 1, type: 'VARCHAR' }]);
  });

  it('Latin-1 bytes in a UTF-8 read are refused with the line, near the top and deep in the file; --encoding latin-1 reads them', async () => {
    const early = Buffer.concat([
      Buffer.from('timestamp,v,site\n2024-01-01 00:00:00,1,ok\n2024-01-01 00:01:00,2,'),
      Buffer.from([0xe9]),
      Buffer.from('t\xe9\n', 'latin1'),
    ]);
    const f1 = await s.file('latin1-early.csv', early);
    await refused(
      `host+csv+series://${f1}`,
      '/l1.series',
      {},
      /line 3: invalid encoding/,
      /--encoding latin-1/,
    );
    const deep = Buffer.concat([
      Buffer.from(base.slice(0, 100_000).join('\n') + '\n'),
      Buffer.from('2024-05-01 00:00:00,1,caf\xe9\n', 'latin1'),
    ]);
    const f2 = await s.file('latin1-deep.csv', deep);
    await refused(`host+csv+series://${f2}`, '/l2.series', {}, /line 100001: invalid encoding/);
    await copyIn(
      s.pond,
      [`host+csv+series://${f2}`],
      '/l2.series',
      { command: ['t'] },
      { encoding: 'latin-1' },
    );
    const last = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/l2.series')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck<{ site: string }>(
        `SELECT site FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)}) WHERE timestamp = TIMESTAMPTZ '2024-05-01 00:00:00+00'`,
      );
    });
    expect(last).toEqual([{ site: 'café' }]);
    // Lines are still counted right when DuckDB reports positions in the UTF-8 it made.
    const accents = Buffer.from(
      `a,b\n${Array.from({ length: 50 }, (_, i) => `${i},crème brûlée\n`).join('')}1,2,3\n`,
      'latin1',
    );
    const f3 = await s.file('latin1-ragged.csv', accents);
    await refused(
      `host+csv+table://${f3}`,
      '/l3.table',
      { encoding: 'latin-1' },
      /line 52: too many columns/,
    );
  });

  it('a BOM, CRLF line ends and quoted line breaks are read right, and lines are counted as an editor does', async () => {
    const f = await s.file(
      'bom-crlf.csv',
      '\ufeffname,note\r\nalpha,"two\r\nlines"\r\nbeta,"say ""hi"""\r\n',
    );
    const r = await copyIn(s.pond, [`host+csv+table://${f}`], '/bom.table', { command: ['t'] });
    expect(r.files[0]!.rows).toBe(2);
    const rows = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/bom.table')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck(
        `SELECT * FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)})`,
      );
    });
    expect(rows).toEqual([
      { name: 'alpha', note: 'two\r\nlines' },
      { name: 'beta', note: 'say "hi"' },
    ]);
    // DuckDB counts records (this is its record 4); the bad row is on line 6 of the file.
    const g = await s.file('quoted-newline.csv', 'a,b\n1,"x\ny"\n2,"p\nq"\n3,4,5\n');
    await refused(`host+csv+table://${g}`, '/q.table', {}, /line 6: too many columns/);
  });

  it('time values: offsets are applied, and a bad time in any time column is refused, never a NULL', async () => {
    const f = await s.file(
      'times.csv',
      'id,at\n1,2024-01-01 10:00:00+02:00\n2,2024-01-01T10:00:00Z\n3,2024-01-01 10:00:00\n',
    );
    await copyIn(s.pond, [`host+csv+table://${f}`], '/times.table', { command: ['t'] });
    const rows = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/times.table')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck(
        `SELECT id, strftime("at", '%Y-%m-%dT%H:%M:%S') AS "at", typeof("at") AS t FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)}) ORDER BY id`,
      );
    });
    expect(rows).toEqual([
      { id: 1n, at: '2024-01-01T08:00:00', t: 'TIMESTAMP WITH TIME ZONE' },
      { id: 2n, at: '2024-01-01T10:00:00', t: 'TIMESTAMP WITH TIME ZONE' },
      { id: 3n, at: '2024-01-01T10:00:00', t: 'TIMESTAMP WITH TIME ZONE' },
    ]);
    // DuckDB's own TIMESTAMPTZ reader turns this value into NULL.
    const bad = await s.file('bad-time.csv', withLine(250_000, '2024-06-01 25:99:00,1,s1'));
    await refused(
      `host+csv+table://${bad}`,
      '/bad-time.table',
      {},
      /line 250000: cast \(column timestamp\)/,
    );
    await refused(
      `host+csv+series://${bad}`,
      '/bad-time.series',
      {},
      /line 250000/,
      /--timestamp-format/,
    );
  });
  it('a fraction in a column of whole numbers is refused, never rounded: past the sniff sample, appended, or retyped', async () => {
    // The sniffer sees the first 20,480 rows (whole numbers: BIGINT); DuckDB's reader rounded
    // the 1.5 of line 25,002 to 2.
    const lines = ['timestamp,n'];
    for (let i = 0; i < 25_000; i++) lines.push(`2024-01-01 00:00:00,${i}`);
    const late = await s.file(
      'late-fraction.csv',
      [...lines, '2024-01-02 00:00:00,1.5'].join('\n') + '\n',
    );
    await refused(
      `host+csv+series://${late}`,
      '/late.series',
      {},
      /'1\.5' is not a whole number/,
      /BIGINT/,
    );

    const ints = await s.file('ints.csv', 'timestamp,n\n2024-01-01 00:00:00,7\n');
    await copyIn(s.pond, [`host+csv+series://${ints}`], '/ints.series', { command: ['t'] });
    const frac = await s.file('frac.csv', 'timestamp,n\n2024-01-02 00:00:00,2.5\n');
    await refused(`host+csv+series://${frac}`, '/ints.series', {}, /'2\.5' is not a whole number/);
    await refused(
      `host+csv+series://${frac}`,
      '/as-int.series',
      { columns: [{ column: 'n', type: 'bigint' }] },
      /'2\.5'/,
    );
    // A Parquet DOUBLE retyped: the same.
    const pq = `${s.dir}/fraction.parquet`;
    await s.duck(
      `COPY (SELECT TIMESTAMPTZ '2024-01-02 00:00:00+00' AS timestamp, 2.5::DOUBLE AS n) TO ${literal(pq)} (FORMAT parquet)`,
    );
    await refused(
      `host+series://${pq}`,
      '/pq-int.series',
      { columns: [{ column: 'n', type: 'bigint' }] },
      /^cannot import host\+series:\/\/\S+fraction\.parquet: column "n": '2\.5' is not a whole number/,
    );
    // Whole numbers, also past a double's 53 bits, are stored exactly.
    const big = await s.file('big.csv', 'timestamp,n\n2024-01-03 00:00:00,+9007199254740993\n');
    await copyIn(s.pond, [`host+csv+series://${big}`], '/ints.series', { command: ['t'] });
    const rows = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/ints.series')).node;
      if (!('versions' in node)) throw new Error('not a file');
      const blobs = (await node.versions()).map((v) => literal(v.blobPath!));
      return s.duck(`SELECT n::VARCHAR AS n FROM read_parquet([${blobs.join(', ')}]) ORDER BY n`);
    });
    expect(rows).toEqual([{ n: '7' }, { n: '9007199254740993' }]);
  });
  it('epoch times keep their fraction past the sniff sample, and µs counts past 2^53, exactly', async () => {
    // The sniffer sees whole seconds (BIGINT); DuckDB's BIGINT reader rounded the .5 to the
    // next second, and a DOUBLE read would round 9007199254740993 µs.
    const lines = ['time,v'];
    for (let i = 0; i < 25_000; i++) lines.push(`${1_704_067_200 + i},${i}`);
    lines.push('1704167200.5,1');
    const secs = await s.file('epoch-s.csv', lines.join('\n') + '\n');
    const micros = await s.file('epoch-us.csv', 'time,v\n9007199254740993,1\n');
    const o = (f: string) => ({ timestampColumn: 'time', timestampFormat: f });
    await copyIn(
      s.pond,
      [`host+csv+series://${secs}`],
      '/secs.series',
      { command: ['t'] },
      o('epoch-s'),
    );
    await copyIn(
      s.pond,
      [`host+csv+series://${micros}`],
      '/micros.series',
      { command: ['t'] },
      o('epoch-us'),
    );
    const last = (p: string) =>
      s.pond.read(async (txn) => {
        const node = (await (await txn.wd()).get(p)).node;
        if (!('versions' in node)) throw new Error('not a file');
        return s.duck<{ us: bigint }>(
          `SELECT max(epoch_us("time")) AS us FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)})`,
        );
      });
    expect(await last('/secs.series')).toEqual([{ us: 1_704_167_200_500_000n }]);
    expect(await last('/micros.series')).toEqual([{ us: 9_007_199_254_740_993n }]);
  });
  it('whole numbers read exactly as text: written with zeros or an exponent they are taken, a bad one still names its line, and the preview says what a run refuses', async () => {
    const lines = ['timestamp,n'];
    for (let i = 0; i < 25_000; i++) lines.push(`2024-01-01 00:00:00,${i}`);
    const forms = await s.file(
      'whole-forms.csv',
      [
        ...lines,
        '2024-01-02 00:00:00,12.000',
        '2024-01-02 00:00:01, 1e3 ',
        '2024-01-02 00:00:02,',
      ].join('\n') + '\n',
    );
    await copyIn(s.pond, [`host+csv+series://${forms}`], '/forms.series', { command: ['t'] });
    const stored = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/forms.series')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck<{ n: bigint | null }>(
        `SELECT n FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)}) WHERE timestamp >= '2024-01-02' ORDER BY timestamp`,
      );
    });
    expect(stored).toEqual([{ n: 12n }, { n: 1000n }, { n: null }]);
    // An exponent whose reading is not whole, and text, are refused: text with its line.
    const exp = await s.file('exp.csv', [...lines, '2024-01-02 00:00:00,1.5e0'].join('\n') + '\n');
    await refused(`host+csv+series://${exp}`, '/exp.series', {}, /'1\.5e0' is not a whole number/);
    const text = await s.file('text.csv', [...lines, '2024-01-02 00:00:00,lots'].join('\n') + '\n');
    await refused(`host+csv+series://${text}`, '/text.series', {}, /line 25002/);
    // --skip-rejected skips the text row (DuckDB's reader names it) and keeps the rest.
    await copyIn(
      s.pond,
      [`host+csv+series://${text}`],
      '/skipped.series',
      { command: ['t'] },
      {
        skipRejected: true,
      },
    );
    // The wizard's preview of the fraction shows the refusal as a problem, before any run.
    const frac = await s.file(
      'late-frac.csv',
      [...lines, '2024-01-02 00:00:00,2.5'].join('\n') + '\n',
    );
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+series://${frac}`],
      dest: '/f.series',
    });
    const { preview, staged } = await previewAndStage(s.pond, plan!);
    expect(staged).toBeUndefined();
    expect(preview.problems.join('\n')).toMatch(/'2\.5' is not a whole number/);
  });
});
