import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { createPond } from '../open-pond.js';
import type { LocalPondService } from '../pond-service.js';
import { duck, errorCode, parquet, scratch, service } from './fixtures.js';

const ROWS = 10_000;
const T0 = Date.parse('2024-07-01T00:00:00Z');
let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let file: string;

beforeAll(async () => {
  s = await scratch();
  file = join(s.dir, 'wave.parquet');
  // A spike at row 4321 that downsampling must not lose; NULLs in `gappy`.
  await parquet(
    file,
    `SELECT TIMESTAMPTZ '2024-07-01 00:00:00+00' + to_minutes(i) AS timestamp,
            CASE WHEN i = 4321 THEN 100.0 ELSE sin(i / 50.0) END AS level,
            (i % 17)::INTEGER AS count, CASE WHEN i < 5000 THEN NULL ELSE i::DOUBLE END AS gappy,
            'x' AS label
     FROM range(${ROWS}) t(i)`,
  );
  const p = await createPond(join(s.dir, 'pond'), 'test', { command: ['test'] });
  await p.write({ command: ['test'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.writeFile('/wave.series', 'series', { hostPath: file, timestampColumn: 'timestamp' });
    await wd.writeFile('/plain.table', 'table', { hostPath: await tableFile() });
  });
  await p.close();
  svc = service(s.appData);
  pond = await svc.openPath(join(s.dir, 'pond'));
});

async function tableFile(): Promise<string> {
  const f = join(s.dir, 'plain.parquet');
  await parquet(f, 'SELECT i AS a FROM range(5) t(i)');
  return f;
}

afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

describe('chart', () => {
  it('returns the raw points when they fit', async () => {
    const c = await svc.chart({
      pond: pond.handle,
      path: '/wave.series',
      columns: ['count'],
      maxPoints: ROWS,
    });
    expect(c).toMatchObject({
      timestampColumn: 'timestamp',
      columns: ['count'],
      rowCount: ROWS,
      downsampled: false,
      start: '2024-07-01T00:00:00Z',
      end: new Date(T0 + (ROWS - 1) * 60_000).toISOString().replace('.000Z', 'Z'),
    });
    const t = tableFromIPC(c.arrow);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      't:Float64',
      'count:Float64',
    ]);
    expect(t.getChild('t')!.get(1)).toBe(T0 + 60_000);
    expect(t.getChild('count')!.get(18)).toBe(1);
  });

  it('downsamples to min/max per bucket, keeping peaks, within maxPoints', async () => {
    const c = await svc.chart({ pond: pond.handle, path: '/wave.series', maxPoints: 200 });
    expect(c.downsampled).toBe(true);
    expect(c.columns).toEqual(['level', 'count', 'gappy']);
    expect(c.rowCount).toBeLessThanOrEqual(200);
    const t = tableFromIPC(c.arrow);
    const level = Array.from(t.getChild('level')!.toArray() as Float64Array);
    const [expected] = await duck(
      `SELECT min(level) AS lo, max(level) AS hi FROM read_parquet('${file}')`,
    );
    expect(Math.max(...level)).toBe(100);
    expect(Math.min(...level)).toBeCloseTo(expected!['lo'] as number, 12);
    // Buckets before the first non-NULL value of `gappy` are NULL, not zero.
    expect(t.getChild('gappy')!.get(0)).toBeNull();
    expect(t.getChild('gappy')!.get(c.rowCount - 1)).toBe(ROWS - 1);
    const times = Array.from(t.getChild('t')!.toArray() as Float64Array);
    expect(times.every((x, i) => i === 0 || x > times[i - 1]!)).toBe(true);
  });

  it('plots a time window only', async () => {
    const c = await svc.chart({
      pond: pond.handle,
      path: '/wave.series',
      columns: ['level'],
      start: '2024-07-01T01:00:00Z',
      end: '2024-07-01T01:09:00Z',
      maxPoints: 1000,
    });
    expect(c.rowCount).toBe(10);
    expect(c.start).toBe('2024-07-01T01:00:00Z');
    const t = tableFromIPC(c.arrow);
    expect(t.getChild('t')!.get(0)).toBe(T0 + 3_600_000);
    expect(t.getChild('level')!.get(9)).toBeCloseTo(Math.sin(69 / 50), 12);
  });

  it('names bad columns, non-series and bad windows', async () => {
    const base = { pond: pond.handle, path: '/wave.series', maxPoints: 100 };
    expect(await errorCode(svc.chart({ ...base, columns: ['label'] }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.chart({ ...base, columns: ['nope'] }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.chart({ ...base, columns: ['timestamp'] }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.chart({ ...base, start: 'yesterday' }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.chart({ ...base, start: '2024-07-02', end: '2024-07-01' }))).toBe(
      ErrorCode.InvalidArgument,
    );
    expect(await errorCode(svc.chart({ ...base, path: '/plain.table' }))).toBe(ErrorCode.BadInput);
    expect(await errorCode(svc.chart({ ...base, path: '/' }))).toBe(ErrorCode.WrongType);
  });
});
