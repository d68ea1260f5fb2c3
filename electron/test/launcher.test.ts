/**
 * The launcher with a real service over real ponds in a temp folder: the first run's demo pond is
 * built once and handed to the window already open; ponds named by a launch are opened instead
 * (before or after the app is ready), and what cannot be opened is shown as a typed error.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuCommand, PondSummary } from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { demoPondPath } from '../../pond/service/demo-pond.js';
import { LocalPondService } from '../../pond/service/pond-service.js';
import { parquet, pondWithSeries, scratch } from '../../pond/service/test/fixtures.js';
import { Launcher } from '../launcher.js';

/** How long to wait for what main does asynchronously (the machine may be busy). */
const WAIT = { timeout: 30_000, interval: 20 };

let s: Awaited<ReturnType<typeof scratch>>;
const services: LocalPondService[] = [];

beforeEach(async () => {
  s = await scratch('pond-electron-launcher-');
});

afterEach(async () => {
  for (const svc of services.splice(0)) await svc.close();
  await s.cleanup();
});

/** A service, the kinds of the jobs it started, and a launcher whose window records commands. */
function launch() {
  const service = new LocalPondService({ mode: 'electron', appData: s.appData });
  services.push(service);
  const jobs = new Map<string, string>();
  service.onJobEvent((j) => jobs.set(j.id, j.kind));
  const shown: MenuCommand[] = [];
  const launcher = new Launcher({ service, appData: s.appData, show: (c) => shown.push(c) });
  return { service, jobs, shown, launcher };
}

function shownPond(c: MenuCommand | undefined): PondSummary {
  if (c?.kind !== 'showPond') throw new Error(`expected showPond, got ${JSON.stringify(c)}`);
  return c.pond;
}

describe('the launcher', () => {
  it('builds the demo pond once on first run and hands the window the opened pond', async () => {
    const first = launch();
    await first.launcher.start();
    expect(first.shown).toHaveLength(1);
    const demo = shownPond(first.shown[0]);
    expect(demo.path).toBe(demoPondPath(s.appData));
    expect([...first.jobs.values()]).toEqual(['demo-pond']);
    // Already open under that handle: the window reads it without asking for the demo again.
    expect(await first.service.openPonds()).toEqual([demo]);
    const sites = await first.service.list({
      pond: demo.handle,
      path: '/sites',
      offset: 0,
      limit: 10,
    });
    expect(sites.entries.map((e) => e.name)).toEqual(['north', 'south']);
    expect((await readdir(s.appData)).sort()).toEqual(['demo-pond', 'recent-ponds.json']);

    // The next start is not a first run: nothing is built, nothing is opened.
    const second = launch();
    await second.launcher.start();
    expect(second.shown).toEqual([]);
    expect(second.jobs.size).toBe(0);
    expect(await second.service.openPonds()).toEqual([]);
  });

  it('opens the ponds a launch names instead of the demo, and shows why one cannot open', async () => {
    const v1 = join(s.dir, 'v1.parquet');
    await parquet(
      v1,
      `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(5) t(i)`,
    );
    const pondDir = join(s.dir, 'caspar');
    await pondWithSeries(pondDir, [v1]);
    const notAPond = join(s.dir, 'plain-folder');
    await mkdir(notAPond);

    const { launcher, shown, jobs, service } = launch();
    // Before the app is ready (open-file, the command line) the requests wait.
    launcher.request(pondDir);
    launcher.request(notAPond);
    await new Promise((r) => setTimeout(r, 50));
    expect(shown).toEqual([]);

    await launcher.start();
    expect(shown).toHaveLength(2);
    const caspar = shownPond(shown[0]);
    expect(caspar).toMatchObject({ path: pondDir, name: 'caspar' });
    expect(shown[1]).toMatchObject({
      kind: 'showError',
      error: { code: ErrorCode.NotAPond, input: notAPond },
    });
    expect(existsSync(demoPondPath(s.appData))).toBe(false);
    expect(jobs.size).toBe(0);
    expect((await service.recentPonds()).map((r) => r.path)).toEqual([pondDir]);

    // After start (a second launch), a request opens at once; the same folder, the same handle.
    launcher.request(pondDir);
    launcher.request(join(s.dir, 'missing'));
    await vi.waitFor(() => expect(shown).toHaveLength(4), WAIT);
    expect(shownPond(shown.find((c, i) => i >= 2 && c.kind === 'showPond')).handle).toBe(
      caspar.handle,
    );
    expect(shown.slice(2).find((c) => c.kind === 'showError')).toMatchObject({
      error: { code: ErrorCode.NotAPond, input: join(s.dir, 'missing') },
    });
  });

  it('shows nothing when the user cancels the demo, and leaves no half-built pond', async () => {
    const { launcher, shown, service } = launch();
    service.onJobEvent((j) => {
      if (j.kind === 'demo-pond' && j.state === 'running') void service.cancelJob(j.id);
    });
    await launcher.start();
    expect(shown).toEqual([]);
    expect((await service.jobs()).map((j) => j.state)).toEqual(['cancelled']);
    expect(existsSync(s.appData) ? await readdir(s.appData) : []).toEqual([]);
  });
});
