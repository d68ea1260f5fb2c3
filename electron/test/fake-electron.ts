/**
 * A stand-in for the parts of Electron's main-process API that electron/main.ts uses, for running
 * main.ts under plain Node where Electron's binary cannot run. It records what main does (in
 * order) and lets a test play the events Electron would send: `ready`, a second launch,
 * `open-file`, the page subscribing, quitting. It fakes Electron only; the service, the ponds
 * and DuckDB behind main are real.
 */
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type Fn = (...args: never[]) => unknown;

export function createFakeElectron(options: { packaged?: boolean; lock?: boolean } = {}) {
  /** Every call main makes that matters for order, as text. */
  const calls: string[] = [];
  /** Test side: run at the moment main sends to a window, or the app really quits. */
  const hooks: {
    onSend?: (channel: string, ...args: unknown[]) => void;
    onQuit?: () => void;
  } = {};
  let becomeReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (becomeReady = r));

  class FakeApp extends EventEmitter {
    isPackaged = options.packaged ?? false;
    ready = false;
    quitted = false;
    exitCode: number | undefined;
    lockData: unknown;
    private name = 'Electron';
    private readonly paths = new Map<string, string>();

    setName(name: string) {
      calls.push(`setName ${name}`);
      this.name = name;
    }
    getName() {
      return this.name;
    }
    setPath(key: string, value: string) {
      calls.push(`setPath ${key} ${value}`);
      this.paths.set(key, value);
    }
    getPath(key: string) {
      return this.paths.get(key);
    }
    requestSingleInstanceLock(data?: unknown) {
      calls.push('requestSingleInstanceLock');
      this.lockData = data;
      return options.lock ?? true;
    }
    whenReady() {
      return ready;
    }
    isReady() {
      return this.ready;
    }
    /** Electron's quit: `before-quit` may prevent it. */
    quit() {
      calls.push('quit');
      const e = fakeEvent();
      this.emit('before-quit', e);
      if (!e.defaultPrevented) {
        this.quitted = true;
        hooks.onQuit?.();
      }
    }
    exit(code: number) {
      calls.push(`exit ${code}`);
      this.exitCode = code;
    }
    /** Test side: Electron is ready. */
    becomeReady() {
      this.ready = true;
      calls.push('ready');
      becomeReady();
    }
  }
  const app = new FakeApp();

  let nextWebContentsId = 1;
  class FakeWebContents extends EventEmitter {
    readonly id = nextWebContentsId++;
    readonly sent: [string, ...unknown[]][] = [];
    destroyed = false;
    windowOpenHandler: Fn | undefined;
    isDestroyed() {
      return this.destroyed;
    }
    send(channel: string, ...args: unknown[]) {
      this.sent.push([channel, ...args]);
      hooks.onSend?.(channel, ...args);
    }
    setWindowOpenHandler(handler: Fn) {
      this.windowOpenHandler = handler;
    }
    /** What main sent on one channel. */
    sentOn(channel: string): unknown[] {
      return this.sent.filter(([c]) => c === channel).map(([, v]) => v);
    }
  }

  class FakeBrowserWindow extends EventEmitter {
    static readonly all: FakeBrowserWindow[] = [];
    /** What loadURL answers (a test may make it fail). */
    static load: (url: string) => Promise<void> = async () => undefined;
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    focused = false;
    minimized = false;
    destroyed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      calls.push('new BrowserWindow');
      FakeBrowserWindow.all.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    static getAllWindows() {
      return FakeBrowserWindow.all.filter((w) => !w.destroyed);
    }
    static getFocusedWindow() {
      return undefined;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return FakeBrowserWindow.load(url);
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      this.minimized = false;
    }
    focus() {
      this.focused = true;
    }
    show() {}
  }

  const ipcMain = {
    handlers: new Map<string, Fn>(),
    listeners: new Map<string, Fn>(),
    handle(channel: string, fn: Fn) {
      calls.push(`ipcMain.handle ${channel}`);
      this.handlers.set(channel, fn);
    },
    on(channel: string, fn: Fn) {
      calls.push(`ipcMain.on ${channel}`);
      this.listeners.set(channel, fn);
    },
  };

  const session = {
    defaultSession: {
      checkHandler: undefined as Fn | undefined,
      requestHandler: undefined as Fn | undefined,
      setPermissionCheckHandler(fn: Fn) {
        calls.push('setPermissionCheckHandler');
        this.checkHandler = fn;
      },
      setPermissionRequestHandler(fn: Fn) {
        calls.push('setPermissionRequestHandler');
        this.requestHandler = fn;
      },
      webRequest: { onHeadersReceived() {} },
    },
  };

  const protocol = {
    schemes: [] as unknown[],
    handlers: new Map<string, Fn>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      calls.push('registerSchemesAsPrivileged');
      this.schemes.push(...schemes);
    },
    handle(scheme: string, fn: Fn) {
      calls.push(`protocol.handle ${scheme}`);
      this.handlers.set(scheme, fn);
    },
  };

  const Menu = {
    menus: [] as unknown[],
    buildFromTemplate: (template: unknown) => template,
    setApplicationMenu(menu: unknown) {
      this.menus.push(menu);
    },
  };

  const dialog = {
    errors: [] as [string, string][],
    showErrorBox(title: string, content: string) {
      this.errors.push([title, content]);
    },
    async showOpenDialog() {
      return { canceled: true, filePaths: [] };
    },
  };

  return {
    calls,
    hooks,
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session,
    protocol,
    Menu,
    dialog,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
