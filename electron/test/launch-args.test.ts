import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../shared/errors.js';
import { APP_NAME, userDataDir } from '../app-identity.js';
import { pondPathsFromArgv, pondPathsFromSecondLaunch } from '../launch-args.js';

describe('the ponds a launch names', () => {
  it('reads a packaged launch: every argument after the executable that is not a switch', () => {
    const ctx = { defaultApp: false, cwd: '/home/ana' };
    expect(pondPathsFromArgv(['/opt/Pond/pond'], ctx)).toEqual([]);
    expect(pondPathsFromArgv(['/opt/Pond/pond', '/data/caspar'], ctx)).toEqual(['/data/caspar']);
    expect(
      pondPathsFromArgv(
        ['/opt/Pond/pond', '--no-sandbox', 'ponds/north', '-psn_0_12345', '../south', ''],
        ctx,
      ),
    ).toEqual([resolve('/home/ana/ponds/north'), resolve('/home/ana/../south')]);
  });

  it('skips the script of a development run (electron dist/electron/main.js ...)', () => {
    const ctx = { defaultApp: true, cwd: '/work/pond' };
    expect(pondPathsFromArgv(['/x/electron', 'dist/electron/main.js'], ctx)).toEqual([]);
    expect(
      pondPathsFromArgv(['/x/electron', 'dist/electron/main.js', '--inspect=0', 'demo'], ctx),
    ).toEqual([join('/work/pond', 'demo')]);
    // Switches before the script (Playwright's launch puts its own there).
    expect(
      pondPathsFromArgv(
        [
          '/x/electron',
          '--remote-debugging-port=0',
          '/work/pond/dist/electron/main.js',
          '--no-sandbox',
        ],
        ctx,
      ),
    ).toEqual([]);
  });

  it("reads a second launch's ponds, and refuses data that is not absolute paths", () => {
    expect(pondPathsFromSecondLaunch({ ponds: [] })).toEqual([]);
    expect(pondPathsFromSecondLaunch({ ponds: ['/data/caspar', '/data/b'] })).toEqual([
      '/data/caspar',
      '/data/b',
    ]);
    for (const bad of [
      undefined,
      null,
      'x',
      {},
      { ponds: 'x' },
      { ponds: ['relative/path'] },
      { ponds: [42] },
      { ponds: ['/a\0b'] },
      { ponds: Array.from({ length: 65 }, (_, i) => `/p${i}`) },
    ]) {
      let error: unknown;
      try {
        pondPathsFromSecondLaunch(bad);
      } catch (e) {
        error = e;
      }
      expect(isPondError(error), JSON.stringify(bad)).toBe(true);
      expect((error as { code: string }).code).toBe(ErrorCode.InvalidArgument);
      expect((error as Error).message).toMatch(/a second launch of the app sent ponds/);
    }
  });
});

describe("the app's identity", () => {
  it("keeps Chromium's data (and the single-instance lock) in the app's own data folder", () => {
    expect(APP_NAME).toBe('Pond');
    expect(userDataDir('/home/ana/.local/share/pond')).toBe('/home/ana/.local/share/pond/electron');
    // Two data folders (two test runs) are two instances, never ~/.config/Electron.
    expect(userDataDir('/tmp/a')).not.toBe(userDataDir('/tmp/b'));
  });
});
