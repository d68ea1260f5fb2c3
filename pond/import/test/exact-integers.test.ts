import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { literal } from '../../duckdb/sql.js';
import { copyIn, type CopyInOptions } from '../copy-in.js';
import { planImport } from '../plan.js';
import { previewAndStage, previewImport } from '../preview.js';
import { WIZARD_FIELDS } from '../import-advice.js';
import { sandbox, type Sandbox } from './sandbox.js';
import { csvReadSql, textIntegerColumns } from '../conversion.js';
import { withRejects } from '../../query/csv-rejects.js';
import { inexactIntegers } from '../../query/inexact-integers.js';

/**
 * Integer columns are read exactly on every path: a value that is not a whole number (a
 * fraction past the rows DuckDB's sniffer looked at) is refused with the file's line, the
 * column, the value and the fix, or left out and reported by --skip-rejected; never rounded.
 */
describe('exact integer reads', () => {
  let s: Sandbox;
  /** 25,000 rows of whole numbers: more than the sniffer's 20,480, so `n` is a BIGINT. */
  let lines: string[];

  beforeAll(async () => {
    s = await sandbox('import-exact-');
    lines = ['timestamp,n,station'];
    for (let i = 0; i < 25_000; i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, 19);
      lines.push(`${t.replace('T', ' ')},${i},${100 + (i % 5)}`);
    }
  });
  afterAll(async () => s.close());

  const last = (extra: string[]) => [...lines, ...extra].join('\n') + '\n';

  async function refusal(file: string, dest: string, o: CopyInOptions = {}): Promise<string> {
    const before = await s.state();
    const e = await copyIn(s.pond, [`host+csv+series://${file}`], dest, { command: ['t'] }, o).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `${file} was imported`).toBeInstanceOf(PondError);
    expect(await s.state()).toBe(before);
    return (e as PondError).message;
  }

  async function stored(path: string, sql: string): Promise<Record<string, unknown>[]> {
    return s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get(path)).node;
      if (!('versions' in node)) throw new Error('not a file');
      const blob = literal((await node.versions())[0]!.blobPath!);
      return s.duck(sql.replace('$blob', `read_parquet(${blob})`));
    });
  }

  it('the refusal names the file, the line, the column, the value and the fix, in our words', async () => {
    const f = await s.file('station.csv', last(['2024-02-01 00:00:00,7,101.5']));
    const m = await refusal(f, '/station.series');
    expect(m).toContain('station.csv: 1 row could not be read');
    expect(m).toContain(
      "line 25002: not whole (column station): '101.5' is not a whole number that fits BIGINT",
    );
    expect(m).toContain("--column 'station:double'");
    expect(m).toMatch(/decimal/);
    expect(m).toContain('--skip-rejected');
    expect(m).not.toMatch(/Invalid Input Error|Error:/);
  });

  it('the line counts a preamble (--skip), the header, quoted line breaks, CRLF and blank lines', async () => {
    // 3 preamble lines, then the header; a quoted field with two line breaks at row 10; a blank
    // line at row 100; CRLF line ends. The fraction's row is the 25,000th: the file's line 25,007.
    const rows = lines.slice(1).map((l, i) => {
      if (i === 9) return l.replace(/,(\d+)$/, ',"1\r\n0\r\n5"');
      if (i === 24_999) return l.replace(/,(\d+),/, ',2.5,');
      return l;
    });
    const text = [
      'logger 7',
      'site: lake',
      'units: m',
      lines[0],
      ...rows.slice(0, 99),
      '',
      ...rows.slice(99),
    ].join('\r\n');
    // The station column holds text (the quoted value), so the fraction is in `n`.
    const f = await s.file('preamble.csv', text + '\r\n');
    const m = await refusal(f, '/preamble.series', { skip: 3 });
    expect(m).toContain("line 25007: not whole (column n): '2.5' is not a whole number");
    expect(m).toContain("--column 'n:double'");
  });

  it('several bad values: each row with its first bad column, in line order, with the count', async () => {
    const f = await s.file(
      'several.csv',
      last([
        '2024-02-01 00:00:00,1.25,101',
        '2024-02-01 00:01:00,3,7.5',
        '2024-02-01 00:02:00,-0.5,8.5',
      ]),
    );
    const m = await refusal(f, '/several.series');
    expect(m).toContain('3 rows could not be read');
    expect(m).toMatch(
      /line 25002: not whole \(column n\): '1\.25'[^\n]*\n\s+line 25003: not whole \(column station\): '7\.5'[^\n]*\n\s+line 25004: not whole \(column n\): '-0\.5'/,
    );
  });

  it('--skip-rejected leaves a fraction out with its line, beside a ragged row, never rounded', async () => {
    const f = await s.file(
      'skip.csv',
      last([
        '2024-02-01 00:00:00,1,2,extra',
        '2024-02-01 00:01:00,1.5,101',
        '2024-02-01 00:02:00,"2",102',
        '2024-02-01 00:03:00,3,103.0',
      ]),
    );
    const warnings: string[] = [];
    const r = await copyIn(
      s.pond,
      [`host+csv+series://${f}`],
      '/skip.series',
      { command: ['t'] },
      { skipRejected: true, onRejected: (m) => warnings.push(m) },
    );
    expect(r.files[0]).toMatchObject({ rows: 25_002, rejected: 2 });
    const w = warnings.join('\n');
    expect(w).toMatch(/line 25002: too many columns/);
    expect(w).toContain("line 25003: not whole (column n): '1.5' is not a whole number");
    const got = await stored(
      '/skip.series',
      `SELECT count(*)::DOUBLE AS rows, sum(n)::DOUBLE AS n, count(*) FILTER (WHERE n = 2 AND station = 101)::DOUBLE AS rounded FROM $blob`,
    );
    const whole = (25_000 * 24_999) / 2;
    expect(got).toEqual([{ rows: 25_002, n: whole + 2 + 3, rounded: 0 }]);

    // Every row bad but the ragged one's neighbours: the run says what it left out.
    const all = await s.file('all-frac.csv', 'timestamp,n\n2024-01-01 00:00:00,1.5\n');
    const m = await refusal(all, '/all.series', {
      skipRejected: true,
      columns: [{ column: 'n', type: 'bigint' }],
    });
    expect(m).toContain("line 2: not whole (column n): '1.5'");
    expect(m).toContain('no row could be read');
  });

  it('--skip-rejected and the preview count the lines right past more rejected rows than are listed', async () => {
    // 150 ragged rows (more than the 100 listed) before the fraction: its line still counts them.
    const ragged = Array.from({ length: 150 }, (_, i) => `2024-02-01 00:00:00,${i},1,extra`);
    const f = await s.file('many.csv', last([...ragged, '2024-02-02 00:00:00,0.5,101']));
    const line = 25_002 + 150;
    const warnings: string[] = [];
    const r = await copyIn(
      s.pond,
      [`host+csv+series://${f}`],
      '/many.series',
      { command: ['t'] },
      { skipRejected: true, onRejected: (m) => warnings.push(m) },
    );
    expect(r.files[0]).toMatchObject({ rows: 25_000, rejected: 151 });
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/many2.series',
    });
    const dry = await previewImport(s.pond, plan!);
    expect(dry.rejectCount).toBe(151);
    expect(dry.rejects.at(-1)).toMatchObject({ line: 25_101, error: 'too many columns' });
    // The list keeps the first 100 by line; the fraction's line is right when it is listed.
    const only = await s.file('one-ragged.csv', last([ragged[0]!, '2024-02-02 00:00:00,0.5,101']));
    const [plan2] = await planImport(s.pond, {
      sources: [`host+csv+series://${only}`],
      dest: '/one.series',
    });
    const p2 = await previewImport(s.pond, plan2!);
    expect(p2.rejects.map((x) => [x.line, x.error])).toEqual([
      [25_002, 'too many columns'],
      [25_003, 'not whole'],
    ]);
    expect(warnings.join('\n')).toContain('151 rows could not be read');
    // The fraction is past the 100 listed rows: found as --skip-rejected finds it, its line
    // counts every rejected row before it.
    const session = await s.pond.session.connect();
    try {
      const read = csvReadSql(plan!, 'ignore_errors = true');
      const rejected = await withRejects(
        session,
        f,
        plan!.dialect!,
        (args) => session.all(`SELECT count(*) FROM ${csvReadSql(plan!, args)}`),
        true,
      );
      expect(rejected.allLines?.size).toBe(150);
      const found = await inexactIntegers(
        session,
        f,
        plan!.dialect!,
        read,
        textIntegerColumns(plan!),
        rejected.allLines,
      );
      expect(found.rejects.map((x) => [x.line, x.column, x.text])).toEqual([
        [line, 'n', '2024-02-02 00:00:00,0.5,101'],
      ]);
    } finally {
      session.close();
    }
  });

  it("the preview lists a value that is no number once, as the integer reader's, and counts lines past it", async () => {
    // 'A17' is rejected by the preview's scan (DuckDB's integer reader); the exact read keeps
    // it as text. Listed once, and the fraction after it keeps its own line.
    const f = await s.file(
      'not-a-number.csv',
      last([
        '2024-02-01 00:00:00,A17,101',
        '2024-02-01 00:01:00,1,101',
        '2024-02-01 00:02:00,2.5,101',
      ]),
    );
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/nan.series',
    });
    const p = await previewImport(s.pond, plan!);
    expect(p.rejectCount).toBe(2);
    expect(p.rejects.map((x) => [x.line, x.column, x.error === 'not whole'])).toEqual([
      [25_002, 'n', false],
      [25_004, 'n', true],
    ]);
    expect(p.rejects[1]!.text).toBe('2024-02-01 00:02:00,2.5,101');
  });

  it('an exponent form is taken when it is whole and exact, and refused by name when not', async () => {
    const f = await s.file(
      'exp.csv',
      last([
        '2024-02-01 00:00:00,1.5e1,101',
        '2024-02-01 00:01:00,120E-1,101',
        '2024-02-01 00:02:00,0.05e2,101',
        '2024-02-01 00:03:00,-2.5e+3,101',
        // Not as the cast writes them back, but whole: taken as they are.
        '2024-02-01 00:04:00,+7,101',
        '2024-02-01 00:05:00,007,101',
        '2024-02-01 00:06:00, 8 ,101',
        '2024-02-01 00:07:00,-0,101',
        '2024-02-01 00:08:00,,101',
      ]),
    );
    await copyIn(s.pond, [`host+csv+series://${f}`], '/exp.series', { command: ['t'] });
    expect(
      await stored(
        '/exp.series',
        `SELECT n FROM $blob WHERE timestamp >= '2024-02-01' ORDER BY timestamp`,
      ),
    ).toEqual([
      { n: 15n },
      { n: 12n },
      { n: 5n },
      { n: -2500n },
      { n: 7n },
      { n: 7n },
      { n: 8n },
      { n: 0n },
      { n: null },
    ]);
    for (const [i, v] of ['1.25e1', '0.05e1', '1.00000000000000001e0', '1e16', '5e-1'].entries()) {
      const bad = await s.file(`exp-bad${i}.csv`, last([`2024-02-01 00:00:00,${v},101`]));
      const m = await refusal(bad, `/exp-bad${i}.series`);
      expect(m).toContain(`line 25002: not whole (column n): '${v}' is not a whole number`);
    }
  });

  it("the wizard's preview and the dry run show the line and the fix before any run", async () => {
    const f = await s.file('wizard.csv', last(['2024-02-01 00:00:00,7,101.5']));
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/wizard.series',
    });
    const { preview, staged } = await previewAndStage(s.pond, plan!, undefined, WIZARD_FIELDS);
    expect(staged).toBeUndefined();
    expect(preview.rejectCount).toBe(1);
    expect(preview.rejects[0]).toMatchObject({ line: 25002, column: 'station' });
    const problems = preview.problems.join('\n');
    expect(problems).toContain(
      "1 row cannot be read (first: line 25002: not whole (column station): '101.5' is not a whole number that fits BIGINT)",
    );
    expect(problems).toMatch(/column 'station'/);
    expect(problems).not.toMatch(/--column|Invalid Input Error/);
    // `pond copy --dry-run`'s preview (nothing staged) finds it too.
    const dry = await previewImport(s.pond, plan!);
    expect(dry.problems.join('\n')).toContain("line 25002: not whole (column station): '101.5'");
    expect(dry.problems.join('\n')).toContain("--column 'station:double'");
  });
});
