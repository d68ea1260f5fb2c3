/**
 * What issue 16's user needs from the engine: each tab's own hold on a pond, the recent list
 * (missing ponds, removing entries, two processes updating it at once), a deep tree filter, the
 * content of data files, and column profiles computed over the whole result.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { BINS, TOP } from '../column-profile.js';
import { createPond } from '../open-pond.js';
import type { LocalPondService } from '../pond-service.js';
import { RecentPonds } from '../recent-ponds.js';
import { duck, errorCode, parquet, scratch, service } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let other: string;
const readings = () => join(s.dir, 'readings.parquet');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  s = await scratch('pond-views-');
  await parquet(
    readings(),
    `SELECT TIMESTAMPTZ '2024-07-01 00:00:00+00' + to_minutes(i) AS timestamp,
            CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 97)::DOUBLE / 4 END AS level,
            ['north', 'south', 'east'][1 + i % 3] AS site,
            i % 7 = 0 AS flagged
     FROM range(5000) t(i)`,
  );
  const p = await createPond(join(s.dir, 'pond'), 'test', { command: ['test'] });
  await p.write({ command: ['test', 'setup'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.mkdir('/sites/north/deep', { parents: true });
    await wd.mkdir('/sites/south', { parents: true });
    await wd.mkdir('/docs/empty', { parents: true });
    await wd.mkdir('/temps', { parents: true });
    await wd.writeFile('/sites/north/deep/level.series', 'series', {
      hostPath: readings(),
      timestampColumn: 'timestamp',
    });
    await wd.writeFile('/sites/south/notes.txt', 'data', { bytes: Buffer.from('south\n') });
    await wd.writeFile('/temps/a.txt', 'data', { bytes: Buffer.from('a') });
    await wd.writeFile('/docs/readme.md', 'data', {
      bytes: Buffer.from('# Title\n\nSome *text*.\n'),
    });
    await wd.writeFile('/docs/site.json', 'data', { bytes: Buffer.from('{"a": [1, 2]}') });
    await wd.writeFile('/docs/raw.csv', 'data', { bytes: Buffer.from('a,b\n1,2\n') });
    await wd.writeFile('/docs/pixel.png', 'data', { bytes: PNG });
    await wd.writeFile('/docs/blob.bin', 'data', { bytes: Buffer.from([0, 1, 2, 255]) });
    // Large enough to be kept as a blob file: 100,000 'é' (2 bytes each) then 'end'.
    await wd.writeFile('/docs/big.txt', 'data', {
      bytes: Buffer.from('é'.repeat(100_000) + 'end'),
    });
  });
  await p.close();
  other = join(s.dir, 'other');
  await (await createPond(other, 'other', { command: ['test'] })).close();
  svc = service(s.appData);
  pond = await svc.openPath(join(s.dir, 'pond'));
  // On the recent list, and closed.
  await svc.closePond((await svc.openPath(other)).handle);
});

afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

describe('tabs and windows hold their own ponds', () => {
  it('closing a pond in one tab leaves it open in the others; it closes with its last holder', async () => {
    const tabA = { client: 'tab-a' };
    const tabB = { client: 'tab-b' };
    // The served pond (held by the host) is open in every tab.
    expect((await svc.openPonds(undefined, tabA)).map((p) => p.handle)).toEqual([pond.handle]);
    await svc.closePond(pond.handle, tabA);
    expect((await svc.list({ pond: pond.handle, path: '/', offset: 0, limit: 10 })).total).toBe(3);

    // A pond opened from the recent list by tab A is A's; B opening it shares the handle.
    const a = await svc.openRecent(other, tabA);
    expect((await svc.openPonds(undefined, tabB)).map((p) => p.path)).toEqual([pond.path]);
    const b = await svc.openRecent(other, tabB);
    expect(b.handle).toBe(a.handle);
    await svc.closePond(a.handle, tabA);
    expect((await svc.list({ pond: b.handle, path: '/', offset: 0, limit: 10 })).total).toBe(0);
    // A tab that does not hold it changes nothing; B's close is the last one.
    await svc.closePond(b.handle, { client: 'tab-c' });
    await svc.closePond(b.handle, tabB);
    expect(await errorCode(svc.list({ pond: b.handle, path: '/', offset: 0, limit: 10 }))).toBe(
      ErrorCode.NotFound,
    );

    // A window that goes away lets go of what it held.
    const w = await svc.openRecent(other, { client: 'window-7' });
    await svc.releaseClient('window-7');
    expect(await errorCode(svc.list({ pond: w.handle, path: '/', offset: 0, limit: 10 }))).toBe(
      ErrorCode.NotFound,
    );
  });
});

describe('the recent list', () => {
  it('marks ponds whose folder is gone, and forgets entries on request', async () => {
    const gone = join(s.dir, 'gone');
    await (await createPond(gone, 'gone', { command: ['test'] })).close();
    await svc.closePond((await svc.openPath(gone)).handle);
    await rm(gone, { recursive: true });
    const listed = await svc.recentPonds();
    expect(listed.find((r) => r.path === gone)).toMatchObject({ missing: true });
    expect(listed.find((r) => r.path === pond.path)?.missing).toBeUndefined();
    expect(await errorCode(svc.openRecent(gone))).toBe(ErrorCode.NotAPond);

    await svc.forgetRecent(gone);
    expect((await svc.recentPonds()).map((r) => r.path)).not.toContain(gone);
    expect(await errorCode(svc.openRecent(gone))).toBe(ErrorCode.InvalidArgument);
  });

  it('two processes adding ponds at once both land on the list', async () => {
    const appData = join(s.dir, 'shared-app-data');
    const module = resolve(import.meta.dirname, '../../../dist/pond/service/recent-ponds.js');
    const adder = (who: string) =>
      promisify(execFile)(process.execPath, [
        '--input-type=module',
        '-e',
        `const { RecentPonds } = await import(${JSON.stringify(module)});
         const r = RecentPonds.in(${JSON.stringify(appData)});
         for (let i = 0; i < 6; i++) await r.add('/ponds/${who}' + i, '${who}' + i);`,
      ]);
    await Promise.all([adder('a'), adder('b')]);
    const names = (await RecentPonds.in(appData).list()).map((r) => r.name).sort();
    expect(names).toEqual([0, 1, 2, 3, 4, 5].flatMap((i) => [`a${i}`, `b${i}`]).sort());
  });
});

describe('the tree filter searches the whole tree', () => {
  const deep = (path: string, filter: string) =>
    svc.list({ pond: pond.handle, path, offset: 0, limit: 100, filter, deep: true });
  const names = async (path: string, filter: string) =>
    (await deep(path, filter)).entries.map((e) => e.name);

  it('lists matches and the directories that lead to them, and nothing else', async () => {
    expect(await names('/', '*.series')).toEqual(['sites']);
    expect(await names('/sites', '*.series')).toEqual(['north']);
    expect(await names('/sites/north', '*.series')).toEqual(['deep']);
    expect(await names('/sites/north/deep', '*.series')).toEqual(['level.series']);
    expect(await names('/', '*.txt')).toEqual(['docs', 'sites', 'temps']);
    expect(await names('/docs', '*.txt')).toEqual(['big.txt']);
  });

  it('shows a matched directory whole, and says when nothing matches', async () => {
    expect(await names('/', 'temp*')).toEqual(['temps']);
    expect(await names('/temps', 'temp*')).toEqual(['a.txt']);
    expect((await deep('/', '*.nothing')).total).toBe(0);
  });

  it('refuses glob characters it does not support, naming them', async () => {
    for (const [filter, bad] of [
      ['*.[ct]sv', '['],
      ['level?.series', '?'],
      ['**', '**'],
      ['{a,b}', '{'],
    ]) {
      const f = await svc
        .list({ pond: pond.handle, path: '/', offset: 0, limit: 1, filter })
        .catch((e: { code: string; message: string }) => e);
      expect(f).toMatchObject({ code: ErrorCode.InvalidArgument });
      expect((f as { message: string }).message).toContain(`'${bad}'`);
    }
  });
});

describe('data file content', () => {
  const read = (path: string, maxBytes = 1 << 20) =>
    svc.readData({ pond: pond.handle, path, maxBytes });

  it('tells text, Markdown, JSON, CSV, images and binary apart', async () => {
    expect(await read('/docs/readme.md')).toMatchObject({
      format: 'markdown',
      size: 22,
      truncated: false,
    });
    expect(await read('/docs/site.json')).toMatchObject({ format: 'json' });
    expect(await read('/docs/raw.csv')).toMatchObject({ format: 'csv' });
    expect(await read('/sites/south/notes.txt')).toMatchObject({ format: 'text' });
    const png = await read('/docs/pixel.png');
    expect(png).toMatchObject({ format: 'image', mime: 'image/png', size: PNG.length });
    expect(Buffer.from(png.bytes).equals(PNG)).toBe(true);
    expect(await read('/docs/blob.bin')).toMatchObject({ format: 'binary' });
  });

  it('sends at most maxBytes of a large file, read from the blob, cut inside a character', async () => {
    const big = await read('/docs/big.txt', 1001);
    expect(big).toMatchObject({ format: 'text', size: 200_003, truncated: true });
    expect(big.bytes.length).toBe(1001);
    const whole = await read('/docs/big.txt');
    expect(Buffer.from(whole.bytes).toString('utf8').endsWith('end')).toBe(true);
    expect(await errorCode(read('/sites/north/deep/level.series'))).toBe(ErrorCode.WrongType);
  });
});

describe('column profiles', () => {
  const series = '/sites/north/deep/level.series';
  const file = () => `read_parquet('${readings()}')`;

  it('profiles numbers, times, text and booleans over the whole result, as DuckDB counts them', async () => {
    const [level, ts, site, flagged] = await svc.profile({
      pond: pond.handle,
      path: series,
      columns: ['level', 'timestamp', 'site', 'flagged'],
    });
    const [want] = await duck<Record<string, number>>(
      `SELECT count(*)::DOUBLE AS rows, count(*) FILTER (level IS NULL)::DOUBLE AS nulls,
              count(DISTINCT level)::DOUBLE AS distinct, min(level) AS lo, max(level) AS hi
       FROM ${file()}`,
    );
    expect(level).toMatchObject({
      name: 'level',
      type: 'DOUBLE',
      rows: want!['rows'],
      nulls: want!['nulls'],
      distinct: want!['distinct'],
      histogramKind: 'bins',
    });
    expect([Number(level!.min), Number(level!.max)]).toEqual([want!['lo'], want!['hi']]);
    expect(level!.histogram).toHaveLength(BINS);
    expect(level!.histogram.reduce((n, b) => n + b.count, 0)).toBe(
      want!['rows']! - want!['nulls']!,
    );
    // The first bin, counted by DuckDB: [min, min + width).
    const width = (want!['hi']! - want!['lo']!) / BINS;
    const [first] = await duck<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM ${file()} WHERE level >= ${want!['lo']} AND level < ${want!['lo']! + width}`,
    );
    expect(level!.histogram[0]!.count).toBe(first!.n);

    expect(ts).toMatchObject({
      nulls: 0,
      distinct: 5000,
      min: '2024-07-01T00:00:00Z',
      max: '2024-07-04T11:19:00Z',
      histogramKind: 'bins',
    });
    expect(ts!.histogram[0]!.from).toBe('2024-07-01T00:00:00Z');
    expect(site).toMatchObject({ distinct: 3, histogramKind: 'top' });
    expect(site!.histogram.map((h) => h.count).reduce((a, b) => a + b)).toBe(5000);
    expect(site!.histogram.length).toBeLessThanOrEqual(TOP);
    expect(flagged!.histogram).toEqual([
      { label: 'false', count: 4285 },
      { label: 'true', count: 715 },
    ]);
  });

  it('profiles the result of SQL over source, and refuses a column it does not have', async () => {
    const [n] = await svc.profile({
      pond: pond.handle,
      path: series,
      sql: 'SELECT site, count(*) AS n FROM source GROUP BY site',
      columns: ['n'],
    });
    expect(n).toMatchObject({ rows: 3, nulls: 0, min: '1666', max: '1667', type: 'BIGINT' });
    expect(
      await errorCode(svc.profile({ pond: pond.handle, path: series, columns: ['nope'] })),
    ).toBe(ErrorCode.InvalidArgument);
    expect(
      await errorCode(
        svc.profile({
          pond: pond.handle,
          path: series,
          sql: 'SELECT nope FROM source',
          columns: ['x'],
        }),
      ),
    ).toBe(ErrorCode.SqlError);
  });

  it('is stopped by cancelQuery like a preview', async () => {
    const slow = 'SELECT a.range AS x FROM range(100000000) a, range(1000) b';
    const running = svc.profile({
      pond: pond.handle,
      path: series,
      sql: slow,
      columns: ['x'],
      query: { id: 'prof-1', slot: 'tab:profile' },
    });
    await new Promise((r) => setTimeout(r, 400));
    await svc.cancelQuery('prof-1');
    expect(await errorCode(running)).toBe(ErrorCode.Cancelled);
  });
});
