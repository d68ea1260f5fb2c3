/**
 * The desktop app's menu as a template. Commands that act on the UI's state (open, create,
 * close...) are sent to the focused window as MenuCommands; the window decides what to do.
 * Free of Electron at run time (only its types), so it can be tested with plain Node.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentPond } from '../shared/api.js';

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  recent: RecentPond[];
  /** A packaged app has no Reload and no DevTools (a development run has both). */
  packaged: boolean;
  /** Sends a command to the focused window (or the main window when none has focus). */
  send(command: MenuCommand): void;
}

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const command = (c: MenuCommand) => () => ctx.send(c);
  const recent: MenuItemConstructorOptions[] =
    ctx.recent.length === 0
      ? [{ label: 'No Recent Ponds', enabled: false }]
      : ctx.recent.map((p) => ({
          // The folder is shown so two ponds with one name can be told apart.
          label: `${p.name} — ${p.path}`,
          click: command({ kind: 'openRecent', path: p.path }),
        }));

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Pond…', accelerator: 'CmdOrCtrl+O', click: command({ kind: 'openPond' }) },
      { label: 'New Pond…', accelerator: 'CmdOrCtrl+N', click: command({ kind: 'createPond' }) },
      { label: 'Open Demo Pond', click: command({ kind: 'openDemoPond' }) },
      { label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: command({ kind: 'import' }) },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: command({ kind: 'export' }) },
      { type: 'separator' },
      { label: 'Close Pond', accelerator: 'CmdOrCtrl+W', click: command({ kind: 'closePond' }) },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };

  // Undo is the window's: the focused field's own undo, or the app's (revert its last
  // transaction); the rest are the usual text editing roles.
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: command({ kind: 'undo' }) },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: ctx.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    file,
    edit,
    {
      label: 'View',
      submenu: [
        ...(ctx.packaged
          ? []
          : [
              { role: 'reload' } as const,
              { role: 'forceReload' } as const,
              { role: 'toggleDevTools' } as const,
              { type: 'separator' } as const,
            ]),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    // The Window menu's own Close (Cmd/Ctrl+W) would clash with Close Pond: minimize and zoom only.
    {
      label: 'Window',
      submenu: [
        { role: 'minimize' },
        { role: 'zoom' },
        ...(mac ? [{ type: 'separator' } as const, { role: 'front' } as const] : []),
      ],
    },
    {
      role: 'help',
      submenu: [{ label: `About ${ctx.appName}`, role: 'about' }],
    },
  );
  return template;
}
