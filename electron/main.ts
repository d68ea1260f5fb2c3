/**
 * Electron's main process: owns the PondService (and through it every open pond), the windows,
 * the menu and the native dialogs. The renderer is the same bundle `pond serve` serves, loaded
 * from the app itself (`pond-app://bundle/`), sandboxed, with context isolation and no Node; it
 * reaches the service only through the preload's `window.pond` and the `pond:call` channel,
 * whose every message is validated (electron/ipc-handler.ts) before the service sees it.
 *
 * The main process never blocks: every service call is async (DuckDB runs on its own threads).
 *
 * First run: when the recent list is empty and there is no demo pond yet, main makes the demo
 * pond (a job, so the window sees its progress through `onJobEvent`) and then sends the window
 * the menu command `openDemoPond`, as if the user had chosen File > Open Demo Pond.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  type OpenDialogOptions,
} from 'electron';
import type { MenuCommand, PondServiceMethod } from '../shared/api.js';
import { appDataDir } from '../pond/service/app-data.js';
import { demoPondPath } from '../pond/service/demo-pond.js';
import { LocalPondService, type HostDialogs } from '../pond/service/pond-service.js';
import { ELECTRON_CSP, START_URL, appProtocolResponse } from './app-protocol.js';
import {
  APP_SCHEME,
  CALL_CHANNEL,
  JOB_CHANNEL,
  MENU_CHANNEL,
  callHandler,
  isAppUrl,
} from './ipc-handler.js';
import { menuTemplate } from './menu.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/renderer, built by vite (POND_RENDERER_DIR overrides it, as for `pond serve`). */
const bundleDir = resolve(process.env['POND_RENDERER_DIR'] ?? join(here, '..', 'renderer'));
const preload = join(here, 'preload.cjs');

/** Calls after which the recent list (and so the Open Recent menu) may have changed. */
const CHANGES_RECENT = new Set<PondServiceMethod>([
  'openRecent',
  'openPondDialog',
  'createPondDialog',
  'openDemoPond',
]);

// Must happen before `ready`: the bundle's scheme behaves like https (secure, standard origin).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    // corsEnabled: vite marks the bundle's module script `crossorigin`.
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);

// One app instance owns the ponds; a second launch focuses the first one's window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Not awaited at the top level: start() waits for `ready`, which may wait for this module.
  start().catch((e: unknown) => {
    console.error(`pond: the app failed to start: ${e instanceof Error ? e.stack : String(e)}`);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  app.setName('Pond');
  let mainWindow: BrowserWindow | undefined;

  const dialogs: HostDialogs = {
    chooseExistingPond: () =>
      chooseFolder({ title: 'Open Pond', buttonLabel: 'Open', properties: ['openDirectory'] }),
    chooseNewPondFolder: () =>
      chooseFolder({
        title: 'New Pond: choose a new or empty folder',
        buttonLabel: 'Create Pond Here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      }),
  };
  async function chooseFolder(options: OpenDialogOptions): Promise<string | undefined> {
    const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
    const r = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return r.canceled ? undefined : r.filePaths[0];
  }

  const appData = appDataDir();
  const service = new LocalPondService({ mode: 'electron', appData, dialogs });
  const handle = callHandler(service);
  const firstRun =
    !existsSync(demoPondPath(appData)) &&
    (await service.recentPonds().catch(() => [])).length === 0;

  function send(command: MenuCommand): void {
    const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
    target?.webContents.send(MENU_CHANNEL, command);
  }

  async function refreshMenu(): Promise<void> {
    const recent = await service.recentPonds().catch(() => []);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({ platform: process.platform, appName: app.getName(), recent, send }),
      ),
    );
  }

  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, arg: unknown) => {
    const answer = await handle(event.senderFrame?.url, method, arg, `window-${event.sender.id}`);
    if (answer.ok && CHANGES_RECENT.has(method as PondServiceMethod)) void refreshMenu();
    return answer;
  });
  service.onJobEvent((job) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(JOB_CHANNEL, job);
  });

  // Every page: no navigation away from the bundle, no new windows, no webviews, no permissions.
  app.on('web-contents-created', (_e, contents) => {
    // A closed window lets go of the ponds it held (the others keep theirs).
    const id = contents.id;
    contents.once('destroyed', () => void service.releaseClient(`window-${id}`).catch(() => {}));
    contents.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  await app.whenReady();

  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(bundleDir, request.url));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  );
  // The bundle's responses carry the CSP already; this covers anything else a page might load.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] },
    });
  });
  await refreshMenu();

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 720,
      minHeight: 480,
      title: 'Pond',
      show: false,
      webPreferences: {
        preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = undefined;
    });
    void win.loadURL(START_URL);
    return win;
  }

  mainWindow = createWindow();
  if (firstRun) {
    const win = mainWindow;
    const loaded = new Promise<void>((done) => win.webContents.once('did-finish-load', done));
    const demo = service.openDemoPond();
    Promise.all([demo, loaded]).then(
      () => {
        void refreshMenu();
        if (!win.isDestroyed()) win.webContents.send(MENU_CHANNEL, { kind: 'openDemoPond' });
      },
      (e: unknown) => console.error(`pond: could not make the demo pond: ${String(e)}`),
    );
  }

  app.on('second-instance', () => {
    if (!mainWindow) mainWindow = createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Close every pond (finish their transactions) before the process ends.
  let closed = false;
  app.on('before-quit', (e) => {
    if (closed) return;
    e.preventDefault();
    service.close().then(
      () => {
        closed = true;
        app.quit();
      },
      (err: unknown) => {
        console.error(`pond: closing ponds failed: ${String(err)}`);
        closed = true;
        app.quit();
      },
    );
  });
}
