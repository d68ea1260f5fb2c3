import { describe, expect, it } from 'vitest';
import { START_URL } from '../app-protocol.js';
import { loadStartPage, windowOptions } from '../window.js';

describe('the app window', () => {
  it('runs its page sandboxed, isolated, without Node, and with DevTools only when asked', () => {
    const packaged = windowOptions({ preload: '/app/dist/electron/preload.cjs', devTools: false });
    expect(packaged.show).toBe(false);
    expect(packaged).not.toHaveProperty('icon');
    expect(packaged.webPreferences).toEqual({
      preload: '/app/dist/electron/preload.cjs',
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
      devTools: false,
    });
    const dev = windowOptions({ preload: '/p.cjs', devTools: true, icon: '/icons/512x512.png' });
    expect(dev.webPreferences?.devTools).toBe(true);
    expect(dev.icon).toBe('/icons/512x512.png');
  });

  it('reports a page that fails to load instead of leaving the rejection unhandled', async () => {
    const reports: string[] = [];
    const failing = {
      loadURL: () =>
        Promise.reject(
          Object.assign(
            new Error("ERR_FILE_NOT_FOUND (-6) loading 'pond-app://bundle/index.html'"),
            {
              code: 'ERR_FILE_NOT_FOUND',
            },
          ),
        ),
    };
    expect(await loadStartPage(failing, START_URL, (m) => reports.push(m))).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(START_URL);
    expect(reports[0]).toContain('ERR_FILE_NOT_FOUND');

    // A load superseded by another navigation (a reload) is not a failure.
    const aborted = {
      loadURL: () =>
        Promise.reject(Object.assign(new Error('ERR_ABORTED (-3)'), { code: 'ERR_ABORTED' })),
    };
    expect(await loadStartPage(aborted, START_URL, (m) => reports.push(m))).toBe(false);
    expect(reports).toHaveLength(1);

    const loaded: string[] = [];
    const ok = { loadURL: async (url: string) => void loaded.push(url) };
    expect(await loadStartPage(ok, START_URL, (m) => reports.push(m))).toBe(true);
    expect(loaded).toEqual([START_URL]);
  });
});
