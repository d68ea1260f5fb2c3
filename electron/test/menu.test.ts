import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../shared/api.js';
import { menuTemplate } from '../menu.js';

function item(
  items: MenuItemConstructorOptions[],
  ...labels: string[]
): MenuItemConstructorOptions {
  let found: MenuItemConstructorOptions | undefined;
  let level = items;
  for (const label of labels) {
    found = level.find((i) => i.label === label || i.role === label);
    if (!found) throw new Error(`no menu item ${labels.join(' > ')}`);
    level = (found.submenu ?? []) as MenuItemConstructorOptions[];
  }
  return found!;
}

function click(i: MenuItemConstructorOptions): void {
  (i.click as () => void)();
}

const recent = [
  { path: '/ponds/caspar', name: 'caspar', lastOpened: '2024-07-01T00:00:00.000Z' },
  { path: '/other/caspar', name: 'caspar', lastOpened: '2024-06-01T00:00:00.000Z' },
];

describe('the application menu', () => {
  it('Edit > Undo is sent to the window (the field’s undo, or the app’s); the rest are roles', () => {
    const sent: MenuCommand[] = [];
    const t = menuTemplate({
      platform: 'linux',
      appName: 'Pond',
      recent: [],
      packaged: true,
      send: (c) => sent.push(c),
    });
    const undo = item(t, 'Edit', 'Undo');
    expect(undo.accelerator).toBe('CmdOrCtrl+Z');
    expect(undo.role).toBeUndefined();
    click(undo);
    expect(sent).toEqual([{ kind: 'undo' }]);
    const roles = (item(t, 'Edit').submenu as MenuItemConstructorOptions[]).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['redo', 'cut', 'copy', 'paste', 'selectAll']));
  });

  it('sends File commands to the window, with the usual shortcuts', () => {
    const sent: MenuCommand[] = [];
    const t = menuTemplate({
      platform: 'linux',
      appName: 'Pond',
      recent,
      packaged: false,
      send: (c) => sent.push(c),
    });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    const open = item(t, 'File', 'Open Pond…');
    const create = item(t, 'File', 'New Pond…');
    const close = item(t, 'File', 'Close Pond');
    expect([open.accelerator, create.accelerator, close.accelerator]).toEqual([
      'CmdOrCtrl+O',
      'CmdOrCtrl+N',
      'CmdOrCtrl+W',
    ]);
    click(open);
    click(create);
    click(item(t, 'File', 'Open Demo Pond'));
    click(close);
    const recentItems = item(t, 'File', 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(recentItems.map((r) => r.label)).toEqual([
      'caspar — /ponds/caspar',
      'caspar — /other/caspar',
    ]);
    click(recentItems[1]!);
    expect(sent).toEqual([
      { kind: 'openPond' },
      { kind: 'createPond' },
      { kind: 'openDemoPond' },
      { kind: 'closePond' },
      { kind: 'openRecent', path: '/other/caspar' },
    ]);
    expect(item(t, 'File', 'quit')).toBeDefined();
    const exporting = item(t, 'File', 'Export…');
    expect(exporting.accelerator).toBe('CmdOrCtrl+E');
    sent.length = 0;
    click(exporting);
    expect(sent).toEqual([{ kind: 'export' }]);
    const importing = item(t, 'File', 'Import…');
    expect(importing.accelerator).toBe('CmdOrCtrl+I');
    sent.length = 0;
    click(importing);
    expect(sent).toEqual([{ kind: 'import' }]);
    const view = (item(t, 'View').submenu as MenuItemConstructorOptions[]).map((i) => i.role);
    expect(view).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools', 'zoomIn', 'togglefullscreen']),
    );
    // Nothing else claims Close Pond's shortcut.
    const accelerators: string[] = [];
    const walk = (items: MenuItemConstructorOptions[]) => {
      for (const i of items) {
        if (i.accelerator) accelerators.push(String(i.accelerator));
        if (Array.isArray(i.submenu)) walk(i.submenu);
      }
    };
    walk(t);
    expect(accelerators.filter((a) => a === 'CmdOrCtrl+W')).toHaveLength(1);
  });

  it('shows an empty recent list as a disabled item, and the app menu on macOS', () => {
    const t = menuTemplate({
      platform: 'darwin',
      appName: 'Pond',
      recent: [],
      packaged: true,
      send: () => undefined,
    });
    expect(t[0]!.label).toBe('Pond');
    expect((t[0]!.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(
      true,
    );
    expect(item(t, 'File', 'Open Recent').submenu).toEqual([
      { label: 'No Recent Ponds', enabled: false },
    ]);
    expect(() => item(t, 'File', 'quit')).toThrow();
  });

  it('offers Reload and DevTools only in a development run, never in a packaged app', () => {
    const roles = (packaged: boolean) => {
      const found: string[] = [];
      const walk = (items: MenuItemConstructorOptions[]) => {
        for (const i of items) {
          if (i.role) found.push(i.role);
          if (Array.isArray(i.submenu)) walk(i.submenu);
        }
      };
      for (const platform of ['linux', 'darwin', 'win32'] as const)
        walk(menuTemplate({ platform, appName: 'Pond', recent, packaged, send: () => undefined }));
      return found;
    };
    const development = roles(false);
    for (const role of ['reload', 'forceReload', 'toggleDevTools'])
      expect(development.filter((r) => r === role)).toHaveLength(3);
    const packaged = roles(true);
    expect(packaged).not.toContain('reload');
    expect(packaged).not.toContain('forceReload');
    expect(packaged).not.toContain('toggleDevTools');
    // The rest of the View menu stays.
    expect(packaged).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'togglefullscreen']));
  });
});
