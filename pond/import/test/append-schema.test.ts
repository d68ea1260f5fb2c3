import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { literal } from '../../duckdb/sql.js';
import { nodeRelation } from '../../query/node-relation.js';
import { isFile } from '../../tinyfs/node.js';
import { copyIn, type CopyInOptions } from '../../import/copy-in.js';
import { planImport } from '../plan.js';
import { previewImport } from '../preview.js';
import { runImport } from '../run.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * A new version of a table or series is checked against what is stored, inside the write
 * transaction: the same columns with the same types, or added columns, pass; a missing column, a
 * changed type or another event-time column is refused naming each column and both types, and
 * nothing changes. Event times are never read in another unit.
 */
describe('appends', () => {
  let s: Sandbox;
  const csv = (rows: string[]) => rows.join('\n') + '\n';
  const day1 = csv([
    'timestamp,v,site',
    '2024-01-01 00:00:00,1.5,north',
    '2024-01-01 01:00:00,2.5,north',
  ]);

  beforeAll(async () => {
    s = await sandbox('import-append-');
  });
  afterAll(async () => s.close());

  /** A new series at `path` from the day-1 CSV. */
  async function series(path: string): Promise<void> {
    const f = await s.file(`${path.slice(1)}-day1.csv`, day1);
    await copyIn(s.pond, [`host+csv+series://${f}`], path, { command: ['t'] });
  }

  async function append(path: string, name: string, text: string, o: CopyInOptions = {}) {
    const f = await s.file(name, text);
    return copyIn(s.pond, [`host+csv+series://${f}`], path, { command: ['t'] }, o);
  }

  async function refused(
    path: string,
    name: string,
    text: string,
    o: CopyInOptions,
    ...re: RegExp[]
  ) {
    const before = await s.state();
    const e = await append(path, name, text, o).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `${name} was appended`).toBeInstanceOf(PondError);
    for (const r of re) expect((e as PondError).message).toMatch(r);
    expect(await s.state()).toBe(before);
  }

  /** Every row of a series as readers see it, times in ISO-8601. */
  async function rows(path: string): Promise<Record<string, unknown>[]> {
    return s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get(path)).node;
      if (!isFile(node)) throw new Error('not a file');
      const rel = await nodeRelation(node, path, { txn, expanding: [] });
      return txn.session.allJson(`SELECT * FROM (${rel}) ORDER BY ALL`);
    });
  }

  it('the same columns and types: a new version; added columns: readers see the union', async () => {
    await series('/same.series');
    const r = await append(
      '/same.series',
      'same2.csv',
      csv(['timestamp,v,site', '2024-01-02 00:00:00,3,south']),
    );
    expect(r.files[0]).toMatchObject({ created: false, version: 2, rows: 1 });
    // An integer file appended to a DOUBLE column is read as DOUBLE, the stored type.
    const added = await append(
      '/same.series',
      'added.csv',
      csv(['timestamp,v,site,depth', '2024-01-03 00:00:00,4,east,12.5']),
    );
    expect(added.files[0]).toMatchObject({ version: 3 });
    expect(await rows('/same.series')).toEqual([
      { timestamp: '2024-01-01 00:00:00+00', v: 1.5, site: 'north', depth: null },
      { timestamp: '2024-01-01 01:00:00+00', v: 2.5, site: 'north', depth: null },
      { timestamp: '2024-01-02 00:00:00+00', v: 3, site: 'south', depth: null },
      { timestamp: '2024-01-03 00:00:00+00', v: 4, site: 'east', depth: 12.5 },
    ]);
  });

  it('a dropped column is refused, naming it and its type', async () => {
    await series('/dropped.series');
    await refused(
      '/dropped.series',
      'dropped.csv',
      csv(['timestamp,v', '2024-01-02 00:00:00,3']),
      {},
      /cannot be a new version of '\/dropped\.series'/,
      /column 'site' \(VARCHAR\) is stored and missing from the new file/,
    );
  });

  it('text appended to a DOUBLE column: the bad line, or both types when the user forces text', async () => {
    await series('/double.series');
    const text = csv(['timestamp,v,site', '2024-01-02 00:00:00,high,south']);
    await refused('/double.series', 'text.csv', text, {}, /line 2: cast \(column v\)/, /"high"/);
    await refused(
      '/double.series',
      'text.csv',
      text,
      { columns: [{ column: 'v', type: 'VARCHAR' }] },
      /column 'v' is stored as DOUBLE and would be VARCHAR/,
    );
    expect(await rows('/double.series')).toHaveLength(2);
  });

  it('epoch-second integers appended to a TIMESTAMPTZ series: refused unless their unit is given', async () => {
    await series('/epoch.series');
    const epochs = csv(['timestamp,v,site', '1704153600,3,south', '1704157200,4,south']);
    await refused(
      '/epoch.series',
      'epoch.csv',
      epochs,
      {},
      /the timestamp column 'timestamp' holds numbers \(BIGINT, e\.g\. line 2: '1704153600'\)/,
      /--timestamp-format epoch-s\|epoch-ms\|epoch-us/,
    );
    await append('/epoch.series', 'epoch.csv', epochs, { timestampFormat: 'epoch-s' });
    const got = await rows('/epoch.series');
    expect(got.map((r) => r['timestamp'])).toEqual([
      '2024-01-01 00:00:00+00',
      '2024-01-01 01:00:00+00',
      '2024-01-02 00:00:00+00',
      '2024-01-02 01:00:00+00',
    ]);
    const ms = csv(['timestamp,v,site', '1704240000000,5,south']);
    await append('/epoch.series', 'epoch-ms.csv', ms, { timestampFormat: 'epoch-ms' });
    expect((await rows('/epoch.series')).at(-1)!['timestamp']).toBe('2024-01-03 00:00:00+00');
  });

  it('Parquet: epoch integers need their unit, and a naive TIMESTAMP meets a TIMESTAMPTZ series with both types named', async () => {
    await series('/pq.series');
    const pq = `${s.dir}/epoch-ms.parquet`;
    await s.duck(
      `COPY (SELECT 1704240000000::BIGINT AS timestamp, 5.0::DOUBLE AS v, 'west' AS site) TO ${literal(pq)} (FORMAT parquet)`,
    );
    const before = await s.state();
    await expect(
      copyIn(s.pond, [`host+series://${pq}`], '/pq.series', { command: ['t'] }),
    ).rejects.toThrow(/holds numbers \(BIGINT\); say what they count with --timestamp-format/);
    expect(await s.state()).toBe(before);
    await copyIn(
      s.pond,
      [`host+series://${pq}`],
      '/pq.series',
      { command: ['t'] },
      { timestampFormat: 'epoch-ms' },
    );
    const naive = `${s.dir}/naive.parquet`;
    await s.duck(
      `COPY (SELECT TIMESTAMP '2024-01-04 00:00:00' AS timestamp, 6.0::DOUBLE AS v, 'west' AS site) TO ${literal(naive)} (FORMAT parquet)`,
    );
    const before2 = await s.state();
    await expect(
      copyIn(s.pond, [`host+series://${naive}`], '/pq.series', { command: ['t'] }),
    ).rejects.toThrow(
      /column 'timestamp' is stored as TIMESTAMP WITH TIME ZONE and would be TIMESTAMP/,
    );
    expect(await s.state()).toBe(before2);
    await copyIn(
      s.pond,
      [`host+series://${naive}`],
      '/pq.series',
      { command: ['t'] },
      {
        columns: [{ column: 'timestamp', type: 'timestamptz' }],
      },
    );
    expect((await rows('/pq.series')).map((r) => r['timestamp'])).toEqual([
      '2024-01-01 00:00:00+00',
      '2024-01-01 01:00:00+00',
      '2024-01-03 00:00:00+00',
      '2024-01-04 00:00:00+00',
    ]);
  });

  it('another timestamp column is refused', async () => {
    await series('/other-ts.series');
    await refused(
      '/other-ts.series',
      'other-ts.csv',
      csv(['time,timestamp,v,site', '2024-01-02 00:00:00,2024-01-02 05:00:00,3,south']),
      { timestampColumn: 'time' },
      /records its event time in 'timestamp', and this file's timestamp column would be 'time'/,
    );
  });

  it('the check runs inside the transaction: a version committed after the plan is what counts', async () => {
    await series('/raced.series');
    const f = await s.file('raced.csv', csv(['timestamp,v,site', '2024-01-05 00:00:00,7,south']));
    const plans = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/raced.series',
    });
    const preview = await previewImport(s.pond, plans[0]!);
    expect(preview.problems).toEqual([]);
    expect(preview.schemaChanges!.map((c) => c.change)).toEqual(['same', 'same', 'same']);
    // Another writer adds a column between the plan and the run.
    await append(
      '/raced.series',
      'raced-other.csv',
      csv(['timestamp,v,site,depth', '2024-01-06 00:00:00,8,x,1.5']),
    );
    const before = await s.state();
    await expect(runImport(s.pond, plans, { command: ['t'] })).rejects.toThrow(
      /column 'depth' \(DOUBLE\) is stored and missing from the new file/,
    );
    expect(await s.state()).toBe(before);
    const again = await previewImport(s.pond, plans[0]!);
    expect(again.schemaChanges!.find((c) => c.column === 'depth')).toEqual({
      column: 'depth',
      change: 'missing',
      storedType: 'DOUBLE',
    });
    expect(again.problems.join('\n')).toMatch(/'depth'/);
  });
});
