/**
 * electron/main.ts itself, run under plain Node against a stand-in for Electron's API
 * (fake-electron.ts) and a real service, real ponds and real DuckDB in a temp folder: the order
 * of what main does before `ready`, the first run's demo pond handed to the page once it
 * listens, a second launch and macOS's open-file, the permission handlers, DevTools, a page
 * that fails to load, and quitting.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuCommand, PondSummary } from '../../shared/api.js';
import { ErrorCode } from '../../shared/errors.js';
import { demoPondPath } from '../../pond/service/demo-pond.js';
import { parquet, pondWithSeries, scratch } from '../../pond/service/test/fixtures.js';
import { START_URL } from '../app-protocol.js';
import {
  CALL_CHANNEL,
  JOB_CHANNEL,
  LISTENING_CHANNEL,
  MENU_CHANNEL,
  POND_CHANNEL,
  STAGE_CHANNEL,
} from '../ipc-handler.js';
import { runPond } from '../../pond/cli/test/run-pond.js';
import { createFakeElectron, fakeEvent, type FakeElectron } from './fake-electron.js';

/** How long to wait for what main does asynchronously (the machine may be busy). */
const WAIT = { timeout: 30_000, interval: 20 };

let fake: FakeElectron;
vi.mock('electron', () => ({
  get app() {
    return fake.app;
  },
  get BrowserWindow() {
    return fake.BrowserWindow;
  },
  get ipcMain() {
    return fake.ipcMain;
  },
  get session() {
    return fake.session;
  },
  get protocol() {
    return fake.protocol;
  },
  get Menu() {
    return fake.Menu;
  },
  get dialog() {
    return fake.dialog;
  },
}));

let s: Awaited<ReturnType<typeof scratch>>;
const savedArgv = process.argv;
const savedAppData = process.env['POND_APP_DATA'];

beforeEach(async () => {
  s = await scratch('pond-electron-main-');
});

afterEach(async () => {
  process.argv = savedArgv;
  if (savedAppData === undefined) delete process.env['POND_APP_DATA'];
  else process.env['POND_APP_DATA'] = savedAppData;
  // Quit (closes the ponds main opened) unless the test did.
  if (fake.app.ready && !fake.app.quitted) {
    fake.app.quit();
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true), WAIT);
  }
  // A process that quits ends its jobs with it; here they outlive a quit that timed out (a busy
  // machine), so wait for them before removing their folders.
  if (fake.ipcMain.handlers.has(CALL_CHANNEL)) {
    await vi.waitFor(async () => {
      const jobs = (await pageCalls('jobs')) as { state: string }[];
      expect(jobs.filter((j) => j.state === 'running')).toEqual([]);
    }, WAIT);
  }
  await s.cleanup();
});

/** Runs main.ts afresh as a packaged app launched as `argv`. */
async function runMain(argv: string[], options: Parameters<typeof createFakeElectron>[0] = {}) {
  fake = createFakeElectron(options);
  process.env['POND_APP_DATA'] = s.appData;
  process.argv = ['/opt/Pond/pond', ...argv];
  vi.resetModules();
  await import('../main.js');
}

/**
 * Makes the next start not a first run (a pond on the recent list), for tests about something
 * else than the demo: no demo job then outlives the test.
 */
async function notFirstRun(): Promise<void> {
  await mkdir(s.appData, { recursive: true });
  await writeFile(
    join(s.appData, 'recent-ponds.json'),
    JSON.stringify({
      version: 1,
      ponds: [
        {
          path: join(s.dir, 'elsewhere'),
          name: 'elsewhere',
          lastOpened: '2024-07-01T00:00:00.000Z',
        },
      ],
    }),
  );
}

function window() {
  const w = fake.BrowserWindow.all[0];
  if (!w) throw new Error('main made no window');
  return w;
}

/** Plays the page subscribing to commands (the preload's onMenuCommand). */
function pageListens(): void {
  const listen = fake.ipcMain.listeners.get(LISTENING_CHANNEL)!;
  (listen as (e: unknown) => void)({
    senderFrame: { url: START_URL },
    sender: window().webContents,
  });
}

async function pageCalls(method: string, arg?: unknown): Promise<unknown> {
  const handler = fake.ipcMain.handlers.get(CALL_CHANNEL) as (
    e: unknown,
    m: unknown,
    a: unknown,
  ) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  const answer = await handler(
    { senderFrame: { url: START_URL }, sender: window().webContents },
    method,
    arg,
  );
  if (!answer.ok) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

function commands(): MenuCommand[] {
  return window().webContents.sentOn(MENU_CHANNEL) as MenuCommand[];
}

async function seriesPond(name: string): Promise<string> {
  const file = join(s.dir, `${name}.parquet`);
  await parquet(file, `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS timestamp, 1 AS x`);
  const dir = join(s.dir, name);
  await pondWithSeries(dir, [file]);
  return dir;
}

describe('the main process', () => {
  it('names the app and its data folder before taking the lock, and listens for launches before ready', async () => {
    await notFirstRun();
    await runMain([]);
    expect(fake.calls.slice(0, 4)).toEqual([
      'setName Pond',
      `setPath userData ${join(s.appData, 'electron')}`,
      'registerSchemesAsPrivileged',
      'requestSingleInstanceLock',
    ]);
    expect(fake.app.lockData).toEqual({ ponds: [] });
    expect(fake.app.ready).toBe(false);
    expect(fake.app.listenerCount('second-instance')).toBe(1);
    expect(fake.app.listenerCount('open-file')).toBe(1);
    expect(fake.app.listenerCount('before-quit')).toBe(1);
    expect(fake.BrowserWindow.all).toHaveLength(0);
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.BrowserWindow.all).toHaveLength(1), WAIT);
  });

  it('builds the demo once on first run and hands it to the page when the page listens', async () => {
    await runMain([]);
    fake.app.becomeReady();
    // The demo is built, opened and queued for the page (the menu is refreshed after it).
    await vi.waitFor(() => expect(existsSync(demoPondPath(s.appData))).toBe(true), WAIT);
    await vi.waitFor(() => expect(fake.Menu.menus.length).toBeGreaterThanOrEqual(2), WAIT);
    expect(window().loaded).toEqual([START_URL]);
    expect(commands()).toEqual([]);

    pageListens();
    expect(commands()).toHaveLength(1);
    const shown = commands()[0] as { kind: string; pond: PondSummary };
    expect(shown.kind).toBe('showPond');
    expect(shown.pond.path).toBe(demoPondPath(s.appData));
    // One demo job, and the page finds the pond already open under the handle it was given.
    const jobs = window().webContents.sentOn(JOB_CHANNEL) as { id: string; kind: string }[];
    expect(new Set(jobs.map((j) => `${j.kind} ${j.id}`)).size).toBe(1);
    expect(((await pageCalls('openPonds')) as PondSummary[]).map((p) => p.handle)).toEqual([
      shown.pond.handle,
    ]);
  });

  it('opens a pond named on the command line, by a second launch or by open-file', async () => {
    const first = await seriesPond('first');
    const second = await seriesPond('second');
    const third = await seriesPond('third');
    await runMain([first, '--no-sandbox']);
    expect(fake.app.lockData).toEqual({ ponds: [first] });
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.Menu.menus.length).toBeGreaterThanOrEqual(2), WAIT);
    pageListens();
    expect(commands().map((c) => c.kind === 'showPond' && c.pond.path)).toEqual([first]);
    // A launch that names a pond is no first run for the demo.
    expect(existsSync(demoPondPath(s.appData))).toBe(false);

    window().minimized = true;
    fake.app.emit('second-instance', fakeEvent(), ['/opt/Pond/pond', 'junk'], '/', {
      ponds: [second],
    });
    expect(window().minimized).toBe(false);
    expect(window().focused).toBe(true);
    await vi.waitFor(() => expect(commands()).toHaveLength(2), WAIT);

    const openFile = fakeEvent();
    fake.app.emit('open-file', openFile, third);
    expect(openFile.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(commands()).toHaveLength(3), WAIT);
    expect(commands().map((c) => c.kind === 'showPond' && c.pond.path)).toEqual([
      first,
      second,
      third,
    ]);

    // What cannot be opened is shown with its code and input, never dropped.
    fake.app.emit('second-instance', fakeEvent(), [], '/', { ponds: [join(s.dir, 'none')] });
    fake.app.emit('second-instance', fakeEvent(), [], '/', undefined);
    await vi.waitFor(() => expect(commands()).toHaveLength(5), WAIT);
    const errors = commands()
      .slice(3)
      .map((c) => (c.kind === 'showError' ? c.error.code : c.kind))
      .sort();
    expect(errors).toEqual([ErrorCode.InvalidArgument, ErrorCode.NotAPond].sort());
  });

  it('pushes commits of other processes to the page, and stages files only from its dialog and drops', async () => {
    const dir = await seriesPond('watched');
    await runMain([dir]);
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.Menu.menus.length).toBeGreaterThanOrEqual(2), WAIT);
    pageListens();
    const shown = commands()[0] as { kind: 'showPond'; pond: PondSummary };
    const r = await runPond(['--pond', dir, 'mkdir', '/from-cli']);
    expect(r.code, r.stderr).toBe(0);
    await vi.waitFor(() => {
      const pushed = window().webContents.sentOn(POND_CHANNEL) as PondSummary[];
      expect(pushed.map((p) => [p.handle, p.lastTxn])).toEqual([
        [shown.pond.handle, shown.pond.lastTxn + 1],
      ]);
    }, WAIT);

    // File > Import...: the files chosen in the native dialog are staged; the page gets ids.
    const csv = join(s.dir, 'north.csv');
    await writeFile(csv, 'timestamp,v\n2024-01-01 00:00:00,1\n');
    Object.assign(fake.dialog, {
      showOpenDialog: async () => ({ canceled: false, filePaths: [csv] }),
    });
    const chosen = (await pageCalls('chooseImportFiles')) as { id: string; name: string }[];
    expect(chosen).toMatchObject([{ name: 'north.csv', format: 'csv' }]);
    // A drop: the path comes from the preload, and only from the app's page.
    const stage = fake.ipcMain.handlers.get(STAGE_CHANNEL) as (
      e: unknown,
      path: unknown,
    ) => Promise<{ ok: boolean; value?: { name: string }; error?: { code: string } }>;
    expect((await stage({ senderFrame: { url: START_URL } }, csv)).value?.name).toBe('north.csv');
    expect((await stage({ senderFrame: { url: 'https://example.com/' } }, csv)).error?.code).toBe(
      ErrorCode.Unauthorized,
    );
    const spec = await pageCalls('importProposal', {
      pond: shown.pond.handle,
      source: chosen[0]!.id,
      dest: '/data',
    });
    expect(spec).toMatchObject({ target: '/data/north.csv', kind: 'series' });
  });

  it('a second launch hands its ponds to the running app and quits without a window', async () => {
    await runMain(['ponds/north'], { lock: false });
    expect(fake.app.lockData).toEqual({ ponds: [resolve(process.cwd(), 'ponds/north')] });
    expect(fake.calls).toContain('quit');
    expect(fake.app.quitted).toBe(true);
    expect(fake.app.listenerCount('second-instance')).toBe(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
    fake.app.becomeReady();
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.BrowserWindow.all).toHaveLength(0);
  });

  it('denies permissions but clipboard writes from the app page, in checks and requests', async () => {
    await notFirstRun();
    await runMain([]);
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.session.defaultSession.checkHandler).toBeDefined(), WAIT);
    const check = fake.session.defaultSession.checkHandler as unknown as (
      ...a: unknown[]
    ) => boolean;
    const request = fake.session.defaultSession.requestHandler as unknown as (
      ...a: unknown[]
    ) => void;
    const main = { isMainFrame: true };
    expect(check(null, 'clipboard-sanitized-write', 'pond-app://bundle', main)).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'https://example.com', main)).toBe(false);
    expect(check(null, 'clipboard-read', 'pond-app://bundle', main)).toBe(false);
    expect(check(null, 'media', 'pond-app://bundle', main)).toBe(false);
    const answers: boolean[] = [];
    request(null, 'clipboard-sanitized-write', (g: boolean) => answers.push(g), {
      requestingUrl: START_URL,
      isMainFrame: true,
    });
    request(null, 'notifications', (g: boolean) => answers.push(g), {
      requestingUrl: START_URL,
      isMainFrame: true,
    });
    expect(answers).toEqual([true, false]);
    expect(window().options['webPreferences']).toMatchObject({ devTools: true, sandbox: true });
  });

  it('gives a packaged app no DevTools, and reports a page that fails to load', async () => {
    await notFirstRun();
    await runMain([], { packaged: true });
    fake.BrowserWindow.load = () =>
      Promise.reject(
        Object.assign(new Error('ERR_FILE_NOT_FOUND (-6)'), { code: 'ERR_FILE_NOT_FOUND' }),
      );
    fake.app.becomeReady();
    await vi.waitFor(() => expect(fake.dialog.errors).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(fake.Menu.menus).toHaveLength(1), WAIT);
    expect(fake.dialog.errors[0]![1]).toMatch(/could not load the app's page .*ERR_FILE_NOT_FOUND/);
    expect(window().options['webPreferences']).toMatchObject({ devTools: false });
    const view = (
      fake.Menu.menus.at(-1) as { label?: string; submenu?: { role?: string }[] }[]
    ).find((m) => m.label === 'View');
    expect(view?.submenu?.map((i) => i.role)).not.toContain('toggleDevTools');
  });

  it('quits after cancelling the demo being built, leaving no half-built pond', async () => {
    await runMain([]);
    // Quit the moment the demo's job starts; note what is on disk when the app really quits.
    let atQuit: { jobState: string; folders: string[] } | undefined;
    let lastJob: { state: string } | undefined;
    fake.hooks.onSend = (channel, job) => {
      if (channel !== JOB_CHANNEL) return;
      lastJob = job as { state: string };
      if (lastJob.state === 'running' && fake.calls.filter((c) => c === 'quit').length === 0) {
        fake.app.quit();
        expect(fake.app.quitted).toBe(false); // held until jobs and ponds are done
        fake.app.quit(); // a second Cmd+Q while closing changes nothing
      }
    };
    fake.hooks.onQuit = () => {
      atQuit = {
        jobState: lastJob!.state,
        folders: existsSync(s.appData) ? readdirSync(s.appData) : [],
      };
    };
    fake.app.becomeReady();
    await vi.waitFor(() => expect(atQuit).toBeDefined(), WAIT);
    expect(atQuit).toEqual({ jobState: 'cancelled', folders: [] });
    expect(fake.calls.filter((c) => c === 'quit')).toHaveLength(3);
  });
});
