import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../shared/api.js';
import { WindowCommands } from '../window-commands.js';

describe('commands to the window', () => {
  it('waits until a page listens, then delivers every command once, in order', () => {
    const commands = new WindowCommands();
    const first: MenuCommand[] = [];
    commands.send({ kind: 'openDemoPond' });
    commands.send({ kind: 'openRecent', path: '/ponds/a' });
    expect(first).toEqual([]);
    commands.listening((c) => first.push(c));
    expect(first).toEqual([{ kind: 'openDemoPond' }, { kind: 'openRecent', path: '/ponds/a' }]);
    commands.send({ kind: 'closePond' });
    expect(first.at(-1)).toEqual({ kind: 'closePond' });
    expect(first).toHaveLength(3);
  });

  it('holds commands while the page reloads or the window is gone, for the next page', () => {
    const commands = new WindowCommands();
    const old: MenuCommand[] = [];
    const next: MenuCommand[] = [];
    commands.listening((c) => old.push(c));
    commands.stopped();
    commands.send({ kind: 'createPond' });
    expect(old).toEqual([]);
    commands.listening((c) => next.push(c));
    expect(next).toEqual([{ kind: 'createPond' }]);
    // A page that subscribes again (React's StrictMode does) gets nothing twice.
    commands.listening((c) => next.push(c));
    expect(next).toHaveLength(1);
  });
});
