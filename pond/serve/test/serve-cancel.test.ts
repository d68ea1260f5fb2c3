/**
 * A query that would keep the cores busy for hours, started over real HTTP on a real `pond
 * serve` process, must stop when its client goes away, when it is cancelled, at the time limit,
 * and when the server is asked to stop. Read from outside: the process's CPU time in
 * /proc/<pid>/stat before and after.
 */
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary } from '../../../shared/api.js';
import { ErrorCode, type ErrorInfo } from '../../../shared/errors.js';
import { decodeWire } from '../../../shared/wire.js';
import { parquet, pondWithSeries, scratch } from '../../service/test/fixtures.js';
import { BUSY, IDLE, coresBusy, idleLimit } from './cpu-time.js';
import { killServeProcesses, startServeProcess, type ServeProcess } from './serve-process.js';

/** DuckDB does not shortcut the count of a cross product: 10^12 rows, hours of work. */
const CROSS = 'SELECT count(*) AS n FROM range(1000000) a, range(1000000) b';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;

interface Answer {
  status: number;
  ok: boolean;
  value?: unknown;
  error?: ErrorInfo;
}

/** A call to the API; `request` is there to abort it. */
function call(
  server: ServeProcess,
  method: string,
  arg: unknown,
): { answer: Promise<Answer>; request: ClientRequest } {
  let req!: ClientRequest;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${method}`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ...(decodeWire(text) as Omit<Answer, 'status'>) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(arg === undefined ? {} : { arg }));
  });
  // A test that fails before awaiting it must not leave an unhandled rejection behind.
  answer.catch(() => undefined);
  return { answer, request: req };
}

async function openPond(server: ServeProcess): Promise<PondSummary> {
  const open = await call(server, 'openPonds', undefined).answer;
  return (open.value as PondSummary[])[0]!;
}

function crossJoin(server: ServeProcess, pond: PondSummary, query?: { id: string; slot: string }) {
  return call(server, 'preview', {
    pond: pond.handle,
    path: '/data/readings.series',
    sql: CROSS,
    offset: 0,
    limit: 100,
    ...(query ? { query } : {}),
  });
}

/** How busy the last running query kept the server (what "idle" after it is measured against). */
let lastBusy = 0;

/** Waits until the query has the cores, and checks that it does (so "idle" later means something). */
async function expectBusy(server: ServeProcess): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  lastBusy = await coresBusy(server.pid, 1500);
  expect(lastBusy).toBeGreaterThan(BUSY);
}

/** Within a second of the stop, the process is near idle (measured over the 1.5 s after). */
async function expectIdleSoon(server: ServeProcess): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
  expect(await coresBusy(server.pid, 1500)).toBeLessThan(idleLimit(lastBusy));
}

beforeAll(async () => {
  s = await scratch('pond-serve-cancel-');
  pondDir = join(s.dir, 'pond');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(20) t(i)`,
  );
  await pondWithSeries(pondDir, [v1]);
});

afterAll(async () => {
  await killServeProcesses();
  await s.cleanup();
});

describe('pond serve stops a running query', () => {
  let server: ServeProcess;
  let pond: PondSummary;

  beforeAll(async () => {
    server = await startServeProcess(s.dir, pondDir);
    pond = await openPond(server);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('when the HTTP request is aborted (the tab closed, the fetch aborted)', async () => {
    const q = crossJoin(server, pond);
    await expectBusy(server);
    q.request.destroy();
    await expectIdleSoon(server);
    // The server answers the next call.
    expect((await call(server, 'openPonds', undefined).answer).ok).toBe(true);
  });

  it('when cancelQuery names it, and the call answers CANCELLED', async () => {
    const q = crossJoin(server, pond, { id: 'sql-1', slot: 'tab-1:grid' });
    await expectBusy(server);
    const asked = performance.now();
    expect(await call(server, 'cancelQuery', 'sql-1').answer).toMatchObject({ ok: true });
    const answer = await q.answer;
    expect(performance.now() - asked).toBeLessThan(2000);
    expect(answer).toMatchObject({
      status: 200,
      ok: false,
      error: { code: ErrorCode.Cancelled, message: 'the query was cancelled' },
    });
    await expectIdleSoon(server);
  });

  it('when a newer query for the same panel comes', async () => {
    const q = crossJoin(server, pond, { id: 'sql-2', slot: 'tab-1:grid' });
    await expectBusy(server);
    const newer = call(server, 'preview', {
      pond: pond.handle,
      path: '/data/readings.series',
      offset: 0,
      limit: 100,
      query: { id: 'sql-3', slot: 'tab-1:grid' },
    });
    expect((await newer.answer).ok).toBe(true);
    expect((await q.answer).error).toMatchObject({ code: ErrorCode.Cancelled });
    await expectIdleSoon(server);
  });

  it('when asked to stop (SIGTERM): it exits 0 promptly, the query interrupted', async () => {
    crossJoin(server, pond);
    await expectBusy(server);
    const asked = performance.now();
    const code = await server.stop('SIGTERM');
    expect(performance.now() - asked).toBeLessThan(3000);
    expect(code).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM: stopping/);
  });
});

describe('pond serve --query-timeout', () => {
  it('stops a query at the limit, and says so', async () => {
    const server = await startServeProcess(s.dir, pondDir, ['--query-timeout', '1.5']);
    try {
      const pond = await openPond(server);
      const info = await call(server, 'appInfo', undefined).answer;
      expect(info.value).toMatchObject({ queryTimeLimitMs: 1500 });
      const started = performance.now();
      const answer = await crossJoin(server, pond).answer;
      const took = performance.now() - started;
      expect(took).toBeGreaterThan(1400);
      expect(took).toBeLessThan(1500 + 2000);
      expect(answer.error).toEqual({
        code: ErrorCode.Timeout,
        message:
          'the query was stopped after 1.5 s, the time limit for a query (pond serve --query-timeout SECONDS changes it)',
      });
      expect(await coresBusy(server.pid, 1500)).toBeLessThan(IDLE);
    } finally {
      await server.stop();
    }
  });

  it('refuses a value that is not a number of seconds', async () => {
    await expect(startServeProcess(s.dir, pondDir, ['--query-timeout', '2m'])).rejects.toThrow(
      /--query-timeout must be a number of seconds \(0 for no limit\), not '2m'/,
    );
  });
});

describe('pond serve: SIGINT', () => {
  it('stops it as SIGTERM does, exit code 0', async () => {
    const server = await startServeProcess(s.dir, pondDir);
    const pond = await openPond(server);
    crossJoin(server, pond);
    await expectBusy(server);
    const asked = performance.now();
    expect(await server.stop('SIGINT')).toBe(0);
    expect(performance.now() - asked).toBeLessThan(3000);
  });
});
