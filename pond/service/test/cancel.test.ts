/**
 * Stopping the app's queries in the service: an explicit cancel, a newer query for the same
 * panel, the caller going away, the time limit, and the service closing. A real pond, real
 * DuckDB, and queries that would run for hours (a 10^12-row cross join) unless stopped.
 */
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary, PreviewRequest } from '../../../shared/api.js';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { defaultRegistry } from '../../factories/index.js';
import { placeNode } from '../mknod.js';
import { createPond } from '../open-pond.js';
import { LocalPondService } from '../pond-service.js';
import { parquet, scratch, service } from './fixtures.js';

/** Runs for hours: DuckDB does not shortcut the count of a cross product. */
const CROSS = 'SELECT count(*) AS n FROM range(1000000) a, range(1000000) b';
/** How long a stopped query may take to let go (the interrupt is checked between chunks). */
const PROMPT_MS = 2000;

let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isPondError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a failure');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const req = (r: Partial<PreviewRequest>): PreviewRequest => ({
  pond: pond.handle,
  path: '/readings.series',
  offset: 0,
  limit: 100,
  ...r,
});

/** The rows of the node, through the service: the engine still answers. */
async function stillAnswers(on: LocalPondService, handle: string): Promise<void> {
  const page = await on.preview({
    pond: handle,
    path: '/readings.series',
    sql: 'SELECT count(*) AS n FROM source',
    offset: 0,
    limit: 10,
  });
  expect(tableFromIPC(page.arrow).toArray()[0].toJSON()).toEqual({ n: 50n });
}

beforeAll(async () => {
  s = await scratch('pond-cancel-');
  const file = join(s.dir, 'readings.parquet');
  await parquet(
    file,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i::DOUBLE AS x
     FROM range(50) t(i)`,
  );
  const registry = defaultRegistry();
  const p = await createPond(join(s.dir, 'pond'), 'test', { command: ['test'] }, { registry });
  await p.write({ command: ['test'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.writeFile('/readings.series', 'series', {
      hostPath: file,
      timestampColumn: 'timestamp',
    });
    // A derived series that multiplies every row a billion times: charting it runs for hours.
    await placeNode(
      txn,
      registry,
      {
        factory: 'sql-derived-series',
        path: '/slow.series',
        config: `patterns: { source: "series:///readings.series" }
query: "SELECT s.timestamp, s.x + r.range AS x FROM source s, range(1000000000) r"
`,
      },
      { overwrite: false },
    );
  });
  await p.close();
  svc = service(s.appData);
  pond = await svc.openPath(join(s.dir, 'pond'));
});

afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

describe('stopping a query', () => {
  it('cancelQuery interrupts a running preview promptly; the engine answers the next one', async () => {
    const running = failure(svc.preview(req({ sql: CROSS, query: { id: 'q1', slot: 'grid' } })));
    await sleep(500);
    const asked = performance.now();
    await svc.cancelQuery('q1');
    const f = await running;
    expect(f).toEqual({ code: ErrorCode.Cancelled, message: 'the query was cancelled' });
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);
    // Unknown and finished ids are not errors (the query may just have ended).
    await svc.cancelQuery('q1');
    await svc.cancelQuery('never-ran');
    await stillAnswers(svc, pond.handle);
  });

  it('a newer query for the same panel supersedes the older one; pages of one result run side by side', async () => {
    const old = failure(svc.preview(req({ sql: CROSS, query: { id: 'a', slot: 'grid' } })));
    await sleep(300);
    const asked = performance.now();
    const newer = await svc.preview(
      req({ sql: 'SELECT 42 AS answer', query: { id: 'b', slot: 'grid' } }),
    );
    expect(tableFromIPC(newer.arrow).toArray()[0].toJSON()).toEqual({ answer: 42 });
    const f = await old;
    expect(f.code).toBe(ErrorCode.Cancelled);
    expect(f.message).toMatch(/superseded by a newer one/);
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);

    // Another slot is not touched; two pages of one spec in one slot both answer.
    const other = failure(svc.preview(req({ sql: CROSS, query: { id: 'c', slot: 'other' } })));
    const [p0, p1] = await Promise.all([
      svc.preview(req({ offset: 0, limit: 30, query: { id: 'p0', slot: 'grid' } })),
      svc.preview(req({ offset: 30, limit: 30, query: { id: 'p1', slot: 'grid' } })),
    ]);
    expect([p0.rowCount, p1.rowCount, p0.totalRows]).toEqual([30, 20, 50]);
    await svc.cancelQuery('c');
    expect((await other).code).toBe(ErrorCode.Cancelled);
  });

  it('stops when the caller goes away (the transport aborts the call)', async () => {
    const caller = new AbortController();
    const running = failure(svc.preview(req({ sql: CROSS }), { signal: caller.signal }));
    await sleep(300);
    const asked = performance.now();
    caller.abort();
    expect(await running).toEqual({
      code: ErrorCode.Cancelled,
      message: 'the query was cancelled: its client went away',
    });
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);
    // A call whose caller is already gone does not start.
    expect((await failure(svc.preview(req({}), { signal: caller.signal }))).code).toBe(
      ErrorCode.Cancelled,
    );
  });

  it('stops a chart of a derived series that would run for hours', async () => {
    const running = failure(
      svc.chart({
        pond: pond.handle,
        path: '/slow.series',
        maxPoints: 1000,
        query: { id: 'chart-1', slot: 'chart' },
      }),
    );
    await sleep(500);
    const asked = performance.now();
    // A newer window of the same panel supersedes it.
    const newer = failure(
      svc.chart({
        pond: pond.handle,
        path: '/slow.series',
        maxPoints: 1000,
        start: '2024-01-01T10:00:00Z',
        query: { id: 'chart-2', slot: 'chart' },
      }),
    );
    expect((await running).message).toMatch(/superseded/);
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);
    await svc.cancelQuery('chart-2');
    expect((await newer).code).toBe(ErrorCode.Cancelled);
    await stillAnswers(svc, pond.handle);
  });

  it("stops the scan for a derived series' time range (its details)", async () => {
    const running = failure(
      svc.details({
        pond: pond.handle,
        path: '/slow.series',
        query: { id: 'd-1', slot: 'details' },
      }),
    );
    await sleep(500);
    const asked = performance.now();
    await svc.cancelQuery('d-1');
    expect(await running).toEqual({
      code: ErrorCode.Cancelled,
      message: 'the query was cancelled',
    });
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);
    // A stored series records its range: its details need no scan.
    const stored = await svc.details({ pond: pond.handle, path: '/readings.series' });
    expect(stored.timeRange).toEqual({
      start: '2024-01-01T00:00:00Z',
      end: '2024-01-03T01:00:00Z',
    });
  });

  it('stops a query at the time limit, saying what the limit is', async () => {
    const limited = new LocalPondService({
      mode: 'browser',
      appData: s.appData,
      queryTimeLimitMs: 700,
    });
    try {
      const p = await limited.openPath(join(s.dir, 'pond'));
      expect((await limited.appInfo()).queryTimeLimitMs).toBe(700);
      const started = performance.now();
      const f = await failure(
        limited.preview({
          pond: p.handle,
          path: '/readings.series',
          sql: CROSS,
          offset: 0,
          limit: 10,
        }),
      );
      expect(f.code).toBe(ErrorCode.Timeout);
      expect(f.message).toBe(
        'the query was stopped after 0.7 s, the time limit for a query (pond serve --query-timeout SECONDS changes it)',
      );
      expect(performance.now() - started).toBeLessThan(700 + PROMPT_MS);
      await stillAnswers(limited, p.handle);
    } finally {
      await limited.close();
    }
    const unlimited = new LocalPondService({
      mode: 'browser',
      appData: s.appData,
      queryTimeLimitMs: 0,
    });
    expect((await unlimited.appInfo()).queryTimeLimitMs).toBeUndefined();
    expect((await svc.appInfo()).queryTimeLimitMs).toBe(120_000);
  });

  it('closing the service interrupts what runs and closes the ponds promptly', async () => {
    const other = service(s.appData);
    const p = await other.openPath(join(s.dir, 'pond'));
    const running = [
      failure(
        other.preview({
          pond: p.handle,
          path: '/readings.series',
          sql: CROSS,
          offset: 0,
          limit: 10,
        }),
      ),
      failure(other.chart({ pond: p.handle, path: '/slow.series', maxPoints: 100 })),
    ];
    await sleep(500);
    const asked = performance.now();
    await other.close();
    expect(performance.now() - asked).toBeLessThan(PROMPT_MS);
    for (const f of await Promise.all(running)) expect(f.code).toBe(ErrorCode.Cancelled);
    expect(await other.openPonds()).toEqual([]);
  });
});
