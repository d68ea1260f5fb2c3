/**
 * The app window's options and how its page is loaded, kept free of Electron at run time (only
 * its types) so they can be tested with plain Node.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowSetup {
  /** dist/electron/preload.cjs */
  preload: string;
  /** DevTools only in a development run, never in a packaged app. */
  devTools: boolean;
  /** The window icon (Linux; macOS and Windows take the app bundle's icon). */
  icon?: string | undefined;
}

export function windowOptions(setup: WindowSetup): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Pond',
    show: false,
    ...(setup.icon === undefined ? {} : { icon: setup.icon }),
    webPreferences: {
      preload: setup.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: setup.devTools,
    },
  };
}

/** What loadStartPage needs of a BrowserWindow. */
export interface Loadable {
  loadURL(url: string): Promise<void>;
}

/**
 * Loads the app's page. A failure (the renderer bundle missing or unreadable) is reported, never
 * left as an unhandled rejection; a load that another navigation superseded (ERR_ABORTED, e.g.
 * a reload) is not a failure.
 */
export async function loadStartPage(
  win: Loadable,
  url: string,
  report: (message: string) => void,
): Promise<boolean> {
  try {
    await win.loadURL(url);
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_ABORTED') return false;
    report(`could not load the app's page ${url}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}
