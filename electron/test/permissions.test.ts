import { describe, expect, it } from 'vitest';
import { START_URL } from '../app-protocol.js';
import { APP_ORIGIN } from '../ipc-handler.js';
import { GRANTED_PERMISSIONS, permissionGranted } from '../permissions.js';

// Every permission Electron 41's check and request handlers can be asked about.
const ALL = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fileSystem',
  'fullscreen',
  'geolocation',
  'hid',
  'idle-detection',
  'keyboardLock',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'openExternal',
  'pointerLock',
  'serial',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'usb',
  'window-management',
  'deprecated-sync-clipboard-read',
  'unknown',
];

describe('the permission policy', () => {
  it('lets the app page write the clipboard (Ctrl+C in the grid)', () => {
    // The check handler gets the origin, the request handler the page's URL.
    for (const origin of [APP_ORIGIN, START_URL, `${APP_ORIGIN}/`])
      expect(
        permissionGranted({ permission: 'clipboard-sanitized-write', origin, isMainFrame: true }),
        origin,
      ).toBe(true);
  });

  it('denies every other permission, even to the app page', () => {
    for (const permission of ALL.filter((p) => p !== 'clipboard-sanitized-write')) {
      expect(
        permissionGranted({ permission, origin: APP_ORIGIN, isMainFrame: true }),
        permission,
      ).toBe(false);
    }
    expect([...GRANTED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
  });

  it('denies the clipboard to any other page, a subframe or an embedded frame', () => {
    const write = 'clipboard-sanitized-write';
    for (const origin of [
      undefined,
      '',
      'null',
      'https://example.com',
      'file:///',
      'pond-app://other',
      'http://bundle',
      'devtools://devtools',
    ])
      expect(
        permissionGranted({ permission: write, origin, isMainFrame: true }),
        String(origin),
      ).toBe(false);
    expect(permissionGranted({ permission: write, origin: APP_ORIGIN, isMainFrame: false })).toBe(
      false,
    );
    expect(
      permissionGranted({
        permission: write,
        origin: APP_ORIGIN,
        isMainFrame: true,
        embeddingOrigin: 'https://example.com',
      }),
    ).toBe(false);
  });
});
