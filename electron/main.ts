/**
 * Electron's main process: owns the PondService (and through it every open pond), the window,
 * the menu and the native dialogs. The renderer is the same bundle `pond serve` serves, loaded
 * from the app itself (`pond-app://bundle/`), sandboxed, with context isolation and no Node; it
 * reaches the service only through the preload's `window.pond` and the `pond:call` channel,
 * whose every message is validated (electron/ipc-handler.ts) before the service sees it.
 *
 * The main process never blocks: every service call is async (DuckDB runs on its own threads).
 * This file only wires Electron to the modules beside it, which run (and are tested) under plain
 * Node: the launcher (first-run demo, ponds named by a launch), the window's command queue, the
 * permission policy, the window options and the bounded shutdown.
 */
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
  shell,
  type OpenDialogOptions,
} from 'electron';
import type { MenuCommand, PondServiceMethod } from '../shared/api.js';
import { toErrorInfo } from '../shared/errors.js';
import { appDataDir } from '../pond/service/app-data.js';
import { LocalPondService, type HostDialogs } from '../pond/service/pond-service.js';
import { APP_NAME, userDataDir } from './app-identity.js';
import { ELECTRON_CSP, START_URL, appProtocolResponse } from './app-protocol.js';
import {
  APP_SCHEME,
  CALL_CHANNEL,
  JOB_CHANNEL,
  LISTENING_CHANNEL,
  MENU_CHANNEL,
  POND_CHANNEL,
  STAGE_CHANNEL,
  callHandler,
  isAppUrl,
  stageHandler,
} from './ipc-handler.js';
import { pondPathsFromArgv, pondPathsFromSecondLaunch, type SecondLaunch } from './launch-args.js';
import { Launcher } from './launcher.js';
import { menuTemplate } from './menu.js';
import { permissionGranted } from './permissions.js';
import { QUIT_TIMEOUT_MS, shutDown } from './shutdown.js';
import { WindowCommands } from './window-commands.js';
import { loadStartPage, windowOptions } from './window.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/renderer, built by vite (POND_RENDERER_DIR overrides it, as for `pond serve`). */
const bundleDir = resolve(process.env['POND_RENDERER_DIR'] ?? join(here, '..', 'renderer'));
const preload = join(here, 'preload.cjs');
/** Linux takes the window's icon from the window (macOS and Windows from the app bundle). */
const windowIcon =
  process.platform === 'linux'
    ? join(here, '..', '..', 'packaging', 'icons', '512x512.png')
    : undefined;

/** Calls after which the recent list (and so the Open Recent menu) may have changed. */
const CHANGES_RECENT = new Set<PondServiceMethod>([
  'openRecent',
  'openPondDialog',
  'createPondDialog',
  'openDemoPond',
]);

// The name and the user-data folder first: the single-instance lock lives in that folder.
const appData = appDataDir();
app.setName(APP_NAME);
app.setPath('userData', userDataDir(appData));

// Must happen before `ready`: the bundle's scheme behaves like https (secure, standard origin).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    // corsEnabled: vite marks the bundle's module script `crossorigin`.
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
]);

const launchPonds = pondPathsFromArgv(process.argv, {
  defaultApp: process.defaultApp === true,
  cwd: process.cwd(),
});
const secondLaunch: SecondLaunch = { ponds: launchPonds };

// One app instance owns the ponds: a second launch hands its ponds to the first and quits.
if (!app.requestSingleInstanceLock(secondLaunch)) {
  app.quit();
} else {
  run();
}

function run(): void {
  let mainWindow: BrowserWindow | undefined;

  const dialogs: HostDialogs = {
    chooseExistingPond: () =>
      choosePath({ title: 'Open Pond', buttonLabel: 'Open', properties: ['openDirectory'] }),
    chooseNewPondFolder: () =>
      choosePath({
        title: 'New Pond: choose a new or empty folder',
        buttonLabel: 'Create Pond Here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      }),
    chooseExportFolder: () =>
      choosePath({
        title: 'Export into folder',
        buttonLabel: 'Export Here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      }),
    chooseTemplateFile: () =>
      choosePath({
        title: 'Choose a template',
        buttonLabel: 'Use Template',
        properties: ['openFile'],
        filters: [{ name: 'Templates', extensions: ['njk', 'tmpl', 'j2', 'tera'] }],
      }),
    chooseSaveFile: async (defaultName) => {
      const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
      const options = { title: 'Export the result', defaultPath: defaultName };
      const r = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? undefined : r.filePath;
    },
    chooseImportFiles: async () => {
      const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
      const options: OpenDialogOptions = {
        title: 'Import files into the pond',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections'],
      };
      const r = parent
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options);
      return r.canceled ? undefined : r.filePaths;
    },
    showFolder: async (path) => {
      const failed = await shell.openPath(path);
      if (failed) throw new Error(`cannot open ${path}: ${failed}`);
    },
  };
  async function choosePath(options: OpenDialogOptions): Promise<string | undefined> {
    const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
    const r = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return r.canceled ? undefined : r.filePaths[0];
  }
  const service = new LocalPondService({ mode: 'electron', appData, dialogs });

  const commands = new WindowCommands();
  const launcher = new Launcher({
    service,
    appData,
    show: (command: MenuCommand) => {
      commands.send(command);
      if (command.kind === 'showPond') void refreshMenu();
    },
  });
  for (const path of launchPonds) launcher.request(path);

  // Registered before `ready`: macOS sends `open-file` (a folder dropped on the Dock icon) even
  // before the app is ready, and a second launch may come while the app is starting.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    launcher.request(path);
    showWindow();
  });
  app.on('second-instance', (_event, _argv, _cwd, data: unknown) => {
    showWindow();
    try {
      for (const path of pondPathsFromSecondLaunch(data)) launcher.request(path);
    } catch (e) {
      commands.send({ kind: 'showError', error: toErrorInfo(e) });
    }
  });

  const handle = callHandler(service);
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, arg: unknown) => {
    const answer = await handle(event.senderFrame?.url, method, arg, `window-${event.sender.id}`);
    if (answer.ok && CHANGES_RECENT.has(method as PondServiceMethod)) void refreshMenu();
    return answer;
  });
  const stage = stageHandler(service);
  ipcMain.handle(STAGE_CHANNEL, (event, path: unknown) => stage(event.senderFrame?.url, path));
  ipcMain.on(LISTENING_CHANNEL, (event) => {
    if (!isAppUrl(event.senderFrame?.url)) return;
    const contents = event.sender;
    commands.listening((command) => {
      if (!contents.isDestroyed()) contents.send(MENU_CHANNEL, command);
    });
  });
  service.onJobEvent((job) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(JOB_CHANNEL, job);
  });
  service.onPondChanged((pond) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(POND_CHANNEL, pond);
  });

  // Every page: no navigation away from the bundle, no new windows, no webviews.
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

  async function refreshMenu(): Promise<void> {
    const recent = await service.recentPonds().catch(() => []);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          platform: process.platform,
          appName: app.getName(),
          recent,
          packaged: app.isPackaged,
          send: (command) => commands.send(command),
        }),
      ),
    );
  }

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow(
      windowOptions({ preload, devTools: !app.isPackaged, icon: windowIcon }),
    );
    win.once('ready-to-show', () => win.show());
    // A new document (a reload) listens afresh: hold commands until it does.
    win.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) commands.stopped();
    });
    win.on('closed', () => {
      commands.stopped();
      if (mainWindow === win) mainWindow = undefined;
    });
    void loadStartPage(win, START_URL, (message) => {
      console.error(`pond: ${message}`);
      dialog.showErrorBox(APP_NAME, message);
    });
    return win;
  }

  /** Brings the window up (making it when there is none); before `ready`, start() makes it. */
  function showWindow(): void {
    if (!app.isReady()) return;
    mainWindow ??= createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }

  async function start(): Promise<void> {
    await app.whenReady();
    protocol.handle(APP_SCHEME, (request) => appProtocolResponse(bundleDir, request.url));
    // Deny every permission check and request, except what permissions.ts grants the app's page.
    session.defaultSession.setPermissionCheckHandler(
      (_contents, permission, requestingOrigin, details) =>
        permissionGranted({
          permission,
          origin: requestingOrigin,
          isMainFrame: details.isMainFrame,
          embeddingOrigin: details.embeddingOrigin,
        }),
    );
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(
        permissionGranted({
          permission,
          origin: details.requestingUrl,
          isMainFrame: details.isMainFrame,
        }),
      ),
    );
    // The bundle's responses carry the CSP already; this covers anything else a page might load.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] },
      });
    });
    showWindow();
    await refreshMenu();
    await launcher.start();
  }

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Before the process ends: cancel running jobs and close every pond, within QUIT_TIMEOUT_MS.
  let quitting: 'no' | 'closing' | 'closed' = 'no';
  app.on('before-quit', (e) => {
    if (quitting === 'closed') return;
    e.preventDefault();
    if (quitting === 'closing') return;
    quitting = 'closing';
    shutDown(service, QUIT_TIMEOUT_MS)
      .then(
        (r) => {
          if (r.timedOut)
            console.error(
              `pond: quitting after ${QUIT_TIMEOUT_MS} ms without waiting for the ponds to close`,
            );
        },
        (err: unknown) => console.error(`pond: closing ponds failed: ${String(err)}`),
      )
      .finally(() => {
        quitting = 'closed';
        app.quit();
      });
  });

  // Not awaited at the top level: start() waits for `ready`, which may wait for this module.
  start().catch((e: unknown) => {
    console.error(`pond: the app failed to start: ${e instanceof Error ? e.stack : String(e)}`);
    app.exit(1);
  });
}
