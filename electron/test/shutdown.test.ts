/**
 * Quitting with a real service: running jobs are cancelled and cleaned up before the ponds close,
 * and a job that does not stop cannot hold the app past the time limit.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, toErrorInfo } from '../../shared/errors.js';
import { LocalPondService } from '../../pond/service/pond-service.js';
import { parquet, pondWithSeries, scratch } from '../../pond/service/test/fixtures.js';
import { QUIT_TIMEOUT_MS, shutDown } from '../shutdown.js';

let s: Awaited<ReturnType<typeof scratch>>;

beforeEach(async () => {
  s = await scratch('pond-electron-shutdown-');
});

afterEach(async () => {
  await s.cleanup();
});

describe('quitting', () => {
  it('cancels the demo pond being built and leaves no half-built folder', async () => {
    const svc = new LocalPondService({ mode: 'electron', appData: s.appData });
    const demo = svc.openDemoPond().then(
      () => undefined,
      (e: unknown) => toErrorInfo(e),
    );
    expect((await svc.jobs()).map((j) => [j.kind, j.state])).toEqual([['demo-pond', 'running']]);

    // A generous limit: this is about what cancelling leaves, not about the bound.
    const result = await shutDown(svc, 60_000);
    expect(result).toEqual({ cancelled: ['demo-pond'], timedOut: false });
    expect((await demo)?.code).toBe(ErrorCode.Cancelled);
    expect((await svc.jobs()).map((j) => j.state)).toEqual(['cancelled']);
    // Neither the demo pond nor the folder it was built in.
    expect(existsSync(s.appData) ? await readdir(s.appData) : []).toEqual([]);
  });

  it('closes every open pond', async () => {
    const v1 = join(s.dir, 'v1.parquet');
    await parquet(v1, `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS timestamp, 1 AS x`);
    await pondWithSeries(join(s.dir, 'pond'), [v1]);
    const svc = new LocalPondService({ mode: 'electron', appData: s.appData });
    const pond = await svc.openPath(join(s.dir, 'pond'));
    expect(await shutDown(svc, 60_000)).toEqual({ cancelled: [], timedOut: false });
    expect(await svc.openPonds()).toEqual([]);
    await expect(
      svc.list({ pond: pond.handle, path: '/', offset: 0, limit: 1 }),
    ).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });

  it('does not wait past the time limit for a job that ignores cancel', async () => {
    const svc = new LocalPondService({ mode: 'electron', appData: s.appData });
    let release: () => void = () => undefined;
    // Stands for work that cannot be interrupted (a hung query): it ends only when released.
    svc.jobRunner.start('stuck', () => new Promise<void>((r) => (release = r)));
    const t0 = performance.now();
    const result = await shutDown(svc, 300);
    const waited = performance.now() - t0;
    expect(result).toEqual({ cancelled: ['stuck'], timedOut: true });
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(QUIT_TIMEOUT_MS);
    release();
    await svc.close();
  });
});
