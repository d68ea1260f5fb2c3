/**
 * Who the desktop app is to Electron: its name and where Chromium keeps its own data. Both are
 * set before the single-instance lock is taken, because the lock lives in the user-data folder:
 * left alone, a development run (`electron dist/electron/main.js`) is named "Electron" and shares
 * `~/.config/Electron` (and so the lock) with every other app run that way.
 */
import { join } from 'node:path';

export const APP_NAME = 'Pond';

/**
 * Chromium's data (caches, the page's local storage, the single-instance lock): a folder of the
 * app's data folder, so each POND_APP_DATA (a test's) is an instance of its own.
 */
export function userDataDir(appData: string): string {
  return join(appData, 'electron');
}
