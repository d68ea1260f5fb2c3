import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary, PreviewRequest } from '../../../shared/api.js';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import type { LocalPondService } from '../pond-service.js';
import { duck, parquet, pondWithSeries, scratch, service } from './fixtures.js';

const BIG = 5_000_000;
let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let bigFile: string;

const rows = (arrow: Uint8Array) =>
  tableFromIPC(arrow)
    .toArray()
    .map((r) => r.toJSON());

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isPondError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  s = await scratch();
  bigFile = join(s.dir, 'big.parquet');
  const small = join(s.dir, 'small.parquet');
  await parquet(
    bigFile,
    `SELECT TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_minutes(i) AS timestamp, i AS n,
            sin(i / 100.0) AS value, 'site-' || (i % 7) AS site
     FROM range(${BIG}) t(i)`,
  );
  await parquet(
    small,
    `SELECT TIMESTAMPTZ '2019-12-31 00:00:00+00' + to_minutes(i) AS timestamp, -i - 1 AS n,
            0.5 AS value, 'early' AS site FROM range(10) t(i)`,
  );
  await pondWithSeries(join(s.dir, 'pond'), [small, bigFile]);
  svc = service(s.appData);
  pond = await svc.openPath(join(s.dir, 'pond'));
});

afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

const req = (r: Partial<PreviewRequest>): PreviewRequest => ({
  pond: pond.handle,
  path: '/data/readings.series',
  offset: 0,
  limit: 1000,
  ...r,
});

describe('preview of a 5M-row series', () => {
  it('pages from the first row, with the total counted once', async () => {
    const page = await svc.preview(req({}));
    expect(page.totalRows).toBe(BIG + 10);
    expect(page.rowCount).toBe(1000);
    expect(page.offset).toBe(0);
    expect(page.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'timestamp:TIMESTAMP WITH TIME ZONE',
      'n:BIGINT',
      'value:DOUBLE',
      'site:VARCHAR',
    ]);
    const t = tableFromIPC(page.arrow);
    expect(t.numRows).toBe(1000);
    expect(String(t.schema.fields[0]!.type)).toBe('Timestamp<MICROSECOND, UTC>');
    // The union of versions: the first (small) version's rows come first.
    expect(t.get(0)!.toJSON()).toMatchObject({ n: -1n, site: 'early', value: 0.5 });
    expect(t.get(10)!.toJSON()).toMatchObject({ n: 0n, site: 'site-0', value: 0 });
    expect(t.get(10)!.toJSON()['timestamp']).toBe(Date.parse('2020-01-01T00:00:00Z'));
  });

  it('reaches the last rows directly', async () => {
    const page = await svc.preview(req({ offset: BIG + 10 - 1000 }));
    expect(page.rowCount).toBe(1000);
    const r = rows(page.arrow);
    expect(r[0]!['n']).toBe(BigInt(BIG - 1000));
    expect(r[999]!['n']).toBe(BigInt(BIG - 1));
    expect(r[999]!['site']).toBe(`site-${(BIG - 1) % 7}`);
    expect(r[999]!['value']).toBeCloseTo(Math.sin((BIG - 1) / 100), 12);
  });

  it('returns an empty page (with its columns) past the end', async () => {
    const page = await svc.preview(req({ offset: BIG + 10 }));
    expect(page.rowCount).toBe(0);
    expect(page.totalRows).toBe(BIG + 10);
    expect(tableFromIPC(page.arrow).schema.fields.map((f) => f.name)).toEqual([
      'timestamp',
      'n',
      'value',
      'site',
    ]);
  });

  it('sorts in the engine, as DuckDB does', async () => {
    const page = await svc.preview(
      req({
        sort: [
          { column: 'value', descending: true },
          { column: 'n', descending: false },
        ],
        limit: 5,
      }),
    );
    const expected = await duck(
      `SELECT n FROM read_parquet('${bigFile}') ORDER BY value DESC, n ASC LIMIT 5`,
    );
    expect(rows(page.arrow).map((r) => r['n'])).toEqual(expected.map((r) => r['n']));
  });

  it('runs SQL over source and pages its result', async () => {
    const page = await svc.preview(
      req({
        sql: 'SELECT site, count(*) AS n, max(value) AS top FROM source GROUP BY site',
        sort: [{ column: 'site', descending: false }],
        offset: 2,
        limit: 3,
      }),
    );
    expect(page.totalRows).toBe(8);
    expect(page.columns.map((c) => c.type)).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE']);
    expect(rows(page.arrow).map((r) => r['site'])).toEqual(['site-1', 'site-2', 'site-3']);
  });

  it('counts each spec once and reuses it for every page and sort', async () => {
    // A pond opened for this test alone, so the cache holds only what it asks.
    const other = service(s.appData);
    try {
      const p = await other.openPath(join(s.dir, 'pond'));
      const specs = (
        other as unknown as { ponds: { get(h: string): { specs: { size: number } } } }
      ).ponds.get(p.handle).specs;
      const base = { pond: p.handle, path: '/data/readings.series', limit: 10 };
      await other.preview({ ...base, offset: 0 });
      await other.preview({ ...base, offset: 5000 });
      await other.preview({ ...base, offset: 0, sort: [{ column: 'n', descending: true }] });
      expect(specs.size).toBe(1);
      await other.preview({ ...base, offset: 0, sql: 'SELECT n FROM source WHERE n < 0' });
      expect(specs.size).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('shows the series as of an earlier transaction', async () => {
    const history = await svc.history({ pond: pond.handle, limit: 10 });
    const firstImport = history.find((h) => h.command.join(' ') === 'test import 1')!;
    const page = await svc.preview(req({ asOf: firstImport.txn }));
    expect(page.totalRows).toBe(10);
    expect(rows(page.arrow).map((r) => r['site'])).toEqual(Array(10).fill('early'));
  });
});

describe('preview values', () => {
  it('keeps every DuckDB type exact: native Arrow types or DuckDB text', async () => {
    const page = await svc.preview(
      req({
        sql: `SELECT true AS b, -3::TINYINT AS i8, 70000 AS i32, 9007199254740993::BIGINT AS i64,
                     18446744073709551615::UBIGINT AS u64, 170141183460469231731687303715884105727::HUGEINT AS huge,
                     12345.678::DECIMAL(10,3) AS dec, 1.5::FLOAT AS f32, 'héllo, 世界' AS s, DATE '2024-02-29' AS d,
                     TIMESTAMP '2024-07-01 12:34:56.789012' AS ts, TIMESTAMPTZ '2024-07-01 12:00:00+02' AS tstz,
                     TIMESTAMP_NS '2024-07-01 00:00:00.123456789' AS tsns, INTERVAL 90 MINUTE AS iv,
                     '0191e2b0-0000-7000-8000-000000000000'::UUID AS id, [1, 2, 3] AS list,
                     {'a': 1, 'b': 'x'} AS st, '\\xAA\\x00'::BLOB AS bin
              UNION ALL
              SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL, NULL, NULL`,
      }),
    );
    const t = tableFromIPC(page.arrow);
    const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      b: 'Bool',
      i8: 'Int8',
      i32: 'Int32',
      i64: 'Int64',
      u64: 'Uint64',
      huge: 'Utf8',
      dec: 'Utf8',
      f32: 'Float32',
      s: 'Utf8',
      d: 'Date32<DAY>',
      ts: 'Timestamp<MICROSECOND>',
      tstz: 'Timestamp<MICROSECOND, UTC>',
      tsns: 'Timestamp<MICROSECOND>',
      iv: 'Utf8',
      id: 'Utf8',
      list: 'Utf8',
      st: 'Utf8',
      bin: 'Utf8',
    });
    const first = t.get(0)!.toJSON();
    expect(first).toMatchObject({
      b: true,
      i8: -3,
      i32: 70000,
      i64: 9007199254740993n,
      u64: 18446744073709551615n,
      huge: '170141183460469231731687303715884105727',
      dec: '12345.678',
      f32: 1.5,
      s: 'héllo, 世界',
      iv: '01:30:00',
      id: '0191e2b0-0000-7000-8000-000000000000',
      list: '[1, 2, 3]',
      st: "{'a': 1, 'b': x}",
    });
    expect(first['d']).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(first['tstz']).toBe(Date.parse('2024-07-01T10:00:00Z'));
    // The raw microseconds survive (Arrow's getter rounds to milliseconds).
    const tsColumn = t.getChild('ts')!.data[0]!.values as BigInt64Array;
    expect(tsColumn[0]).toBe(BigInt(Date.parse('2024-07-01T12:34:56.789Z')) * 1000n + 12n);
    expect(Object.values(t.get(1)!.toJSON()).every((v) => v === null)).toBe(true);
    expect(page.columns.find((c) => c.name === 'dec')!.type).toBe('DECIMAL(10,3)');
  });

  it('keeps columns that share a name apart', async () => {
    const page = await svc.preview(req({ sql: 'SELECT 1 AS a, 2 AS a, 3 AS b' }));
    expect(page.columns.map((c) => c.name)).toEqual(['a', 'a', 'b']);
    const t = tableFromIPC(page.arrow);
    expect([0, 1, 2].map((i) => t.getChildAt(i)!.get(0))).toEqual([1, 2, 3]);
  });
});

describe('preview errors', () => {
  it('reports DuckDB errors against the user’s own SQL', async () => {
    const f = await failure(svc.preview(req({ sql: 'SELECT nope FROM source' })));
    expect(f.code).toBe(ErrorCode.SqlError);
    expect(f.message).toContain('Referenced column "nope" not found');
    expect(f.message).toContain('LINE 1: SELECT nope FROM source');
  });

  it('accepts one SELECT only', async () => {
    expect(await failure(svc.preview(req({ sql: 'SELECT 1; SELECT 2' })))).toMatchObject({
      code: ErrorCode.SqlError,
      message: expect.stringContaining('one SELECT statement, not 2'),
    });
    expect(await failure(svc.preview(req({ sql: 'CREATE TABLE t AS SELECT 1' })))).toMatchObject({
      code: ErrorCode.SqlError,
      message: expect.stringContaining('only SELECT'),
    });
    const escape = await failure(svc.preview(req({ sql: 'SELECT 1 FROM source) q; SELECT (1' })));
    expect(escape.code).toBe(ErrorCode.SqlError);
  });

  it('cannot read or write host files the pond was not given', async () => {
    const read = await failure(svc.preview(req({ sql: "SELECT * FROM read_text('/etc/passwd')" })));
    expect(read).toMatchObject({ code: ErrorCode.SqlError });
    expect(read.message).toContain('Permission Error');
    const target = join(s.dir, 'written.csv');
    await failure(svc.preview(req({ sql: `COPY (SELECT 1) TO '${target}'` })));
    await failure(
      svc.preview(req({ sql: `SELECT * FROM query('COPY (SELECT 1) TO ''${target}''')` })),
    );
    expect(existsSync(target)).toBe(false);
    const glob = await failure(svc.preview(req({ sql: `SELECT * FROM glob('${s.dir}/*')` })));
    expect(glob.message).toContain('Permission Error');
  });

  it('names what is wrong with the spec', async () => {
    expect(await failure(svc.preview(req({ path: '/data' })))).toMatchObject({
      code: ErrorCode.WrongType,
    });
    expect(await failure(svc.preview(req({ path: '/data/notes.txt' })))).toMatchObject({
      code: ErrorCode.WrongType,
    });
    expect(await failure(svc.preview(req({ path: '/data/missing.series' })))).toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(
      await failure(svc.preview(req({ sort: [{ column: 'nope', descending: false }] }))),
    ).toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: expect.stringContaining("'nope'"),
    });
    expect(await failure(svc.preview(req({ asOf: 999 })))).toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(await failure(svc.preview(req({ pond: 'no-such-handle' })))).toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('follows a symlink to its series', async () => {
    const page = await svc.preview(req({ path: '/data/link', limit: 1 }));
    expect(page.totalRows).toBe(BIG + 10);
  });
});
