import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { dispatch } from '../dispatch.js';
import { createPond } from '../open-pond.js';
import type { LocalPondService } from '../pond-service.js';
import { errorCode, parquet, scratch, service } from './fixtures.js';

const ENTRIES = 100_000;
let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let bigTxn: number;

beforeAll(async () => {
  s = await scratch();
  const file = join(s.dir, 'r.parquet');
  await parquet(
    file,
    `SELECT TIMESTAMPTZ '2024-07-01 00:00:00+00' + to_hours(i) AS timestamp, (i * 1.5)::DOUBLE AS level FROM range(48) t(i)`,
  );
  const p = await createPond(join(s.dir, 'pond'), 'test', { command: ['test'] });
  await p.write({ command: ['test', 'small'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.mkdir('/site/reduced', { parents: true });
    await wd.writeFile('/site/readings.series', 'series', {
      hostPath: file,
      timestampColumn: 'timestamp',
      minEventTimeUs: Date.parse('2024-07-01T00:00:00Z') * 1000,
      maxEventTimeUs: Date.parse('2024-07-02T23:00:00Z') * 1000,
    });
    for (const res of ['1d', '1h', '15m'])
      await wd.writeFile(`/site/reduced/res=${res}.series`, 'series', { hostPath: file });
    await wd.writeFile('/site/reduced/notes.txt', 'data', { bytes: Buffer.from('x') });
    await wd.writeFile('/.hidden', 'data', { bytes: Buffer.from('x') });
    await wd.create('/site/latest', { kind: 'symlink', target: '/site/readings.series' });
  });
  const big = await p.write({ command: ['test', 'big'] }, async (txn) => {
    const dir = await (await txn.wd()).mkdir('/big');
    for (let i = 0; i < ENTRIES; i++)
      await dir.create!(`reading-${String(i).padStart(6, '0')}.csv`, {
        kind: 'file',
        type: 'data',
        content: { bytes: Buffer.from(`${i}\n`) },
      });
  });
  bigTxn = big.seq!;
  await p.close();
  svc = service(s.appData);
  pond = await svc.openPath(join(s.dir, 'pond'));
});

afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

describe('list: the tree, one directory page at a time', () => {
  it('pages a directory of 100,000 entries', async () => {
    const first = await svc.list({ pond: pond.handle, path: '/big', offset: 0, limit: 200 });
    expect(first.total).toBe(ENTRIES);
    expect(first.entries).toHaveLength(200);
    expect(first.entries[0]).toMatchObject({
      name: 'reading-000000.csv',
      path: '/big/reading-000000.csv',
      kind: 'data',
      version: 1,
      size: 2,
    });
    expect(first.entries[0]!.modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    const last = await svc.list({
      pond: pond.handle,
      path: '/big',
      offset: ENTRIES - 3,
      limit: 200,
    });
    expect(last.offset).toBe(ENTRIES - 3);
    expect(last.entries.map((e) => e.name)).toEqual([
      'reading-099997.csv',
      'reading-099998.csv',
      'reading-099999.csv',
    ]);
  });

  it('filters names with a glob before paging', async () => {
    const page = await svc.list({
      pond: pond.handle,
      path: '/big',
      offset: 1,
      limit: 5,
      filter: 'reading-0999*.csv',
    });
    expect(page.total).toBe(100);
    expect(page.entries[0]!.name).toBe('reading-099901.csv');
    const exact = await svc.list({
      pond: pond.handle,
      path: '/big',
      offset: 0,
      limit: 5,
      filter: 'reading-000007.csv',
    });
    expect(exact.entries.map((e) => e.name)).toEqual(['reading-000007.csv']);
  });

  it('refuses a bad filter with its reason, and shows none for a filter that matches nothing', async () => {
    const at = { pond: pond.handle, path: '/big', offset: 0, limit: 5 };
    // Through the dispatcher the app's calls take, so the error is what the app shows.
    const bad = await dispatch(svc, 'list', { ...at, filter: 'reading-[01]*' });
    expect(bad.kind).toBe('failed');
    expect(bad.kind === 'failed' && bad.error).toEqual({
      code: ErrorCode.InvalidArgument,
      message:
        "bad pattern 'reading-[01]*': '[' is not pattern syntax here: patterns have * and ** only (write \\[ to match a '[' in a name)",
      input: 'reading-[01]*',
    });
    expect(await errorCode(svc.list({ ...at, filter: 'a**b' }))).toBe(ErrorCode.InvalidArgument);
    expect(await errorCode(svc.list({ ...at, path: '/nope' }))).toBe(ErrorCode.NotFound);
    const none = await svc.list({ ...at, filter: '*.xlsx' });
    expect([none.total, none.entries]).toEqual([0, []]);
  });

  it('keeps directories that miss the filter when asked, so a filtered tree can be walked', async () => {
    const site = { pond: pond.handle, path: '/site', offset: 0, limit: 10, filter: '*.series' };
    expect((await svc.list(site)).entries.map((e) => e.name)).toEqual(['readings.series']);
    const walkable = await svc.list({ ...site, keepDirectories: true });
    expect(walkable.entries.map((e) => e.name)).toEqual(['readings.series', 'reduced']);
    expect(walkable.total).toBe(2);
  });

  it('shows entry kinds, symlink targets and hidden names on request', async () => {
    const root = await svc.list({ pond: pond.handle, path: '/', offset: 0, limit: 10 });
    expect(root.entries.map((e) => `${e.name}:${e.kind}`)).toEqual([
      'big:directory',
      'site:directory',
    ]);
    const all = await svc.list({ pond: pond.handle, path: '/', offset: 0, limit: 10, all: true });
    expect(all.entries.map((e) => e.name)).toEqual(['.hidden', 'big', 'site']);
    const site = await svc.list({ pond: pond.handle, path: '/site', offset: 0, limit: 10 });
    expect(site.entries.map((e) => [e.name, e.kind, e.target])).toEqual([
      ['latest', 'symlink', '/site/readings.series'],
      ['readings.series', 'series', undefined],
      ['reduced', 'directory', undefined],
    ]);
  });

  it('lists the pond as of an earlier transaction', async () => {
    const before = await svc.list({
      pond: pond.handle,
      path: '/',
      offset: 0,
      limit: 10,
      asOf: bigTxn - 1,
    });
    expect(before.entries.map((e) => e.name)).toEqual(['site']);
    expect(
      await errorCode(
        svc.list({ pond: pond.handle, path: '/big', offset: 0, limit: 1, asOf: bigTxn - 1 }),
      ),
    ).toBe(ErrorCode.NotFound);
  });

  it('refuses what is not a directory', async () => {
    expect(
      await errorCode(
        svc.list({ pond: pond.handle, path: '/site/readings.series', offset: 0, limit: 1 }),
      ),
    ).toBe(ErrorCode.WrongType);
    expect(
      await errorCode(svc.list({ pond: pond.handle, path: '/nope', offset: 0, limit: 1 })),
    ).toBe(ErrorCode.NotFound);
  });
});

describe('details', () => {
  it('describes a series: versions, schema, time column and range in UTC', async () => {
    const d = await svc.details({ pond: pond.handle, path: '/site/readings.series' });
    expect(d).toMatchObject({
      path: '/site/readings.series',
      kind: 'series',
      timestampColumn: 'timestamp',
      timeRange: { start: '2024-07-01T00:00:00Z', end: '2024-07-02T23:00:00Z' },
      schema: [
        { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'level', type: 'DOUBLE' },
      ],
    });
    expect(d.versions).toHaveLength(1);
    expect(d.versions[0]).toMatchObject({
      version: 1,
      txn: bigTxn - 1,
      start: '2024-07-01T00:00:00Z',
      end: '2024-07-02T23:00:00Z',
    });
    expect(d.resolutions).toBeUndefined();
  });

  it('lists the res= siblings of a downsampled series, finest first', async () => {
    const d = await svc.details({ pond: pond.handle, path: '/site/reduced/res=1h.series' });
    expect(d.resolutions).toEqual([
      { label: '15m', path: '/site/reduced/res=15m.series' },
      { label: '1h', path: '/site/reduced/res=1h.series' },
      { label: '1d', path: '/site/reduced/res=1d.series' },
    ]);
  });

  it('describes directories and symlinks without following them', async () => {
    expect(await svc.details({ pond: pond.handle, path: '/big' })).toMatchObject({
      kind: 'directory',
      entries: ENTRIES,
      versions: [],
    });
    expect(await svc.details({ pond: pond.handle, path: '/site/latest' })).toMatchObject({
      kind: 'symlink',
      target: '/site/readings.series',
    });
    expect(await errorCode(svc.details({ pond: pond.handle, path: '/site/nope' }))).toBe(
      ErrorCode.NotFound,
    );
  });
});
