/**
 * Commands from main to the window (menu clicks, a pond main opened) wait here until the page
 * says it listens. IPC messages sent before the renderer subscribed are dropped by Electron, and
 * the page subscribes only after React has started, well after `did-finish-load`: so a command
 * sent on load (the first run's demo pond, a pond from the command line) would be lost.
 * Free of Electron so it can be tested with plain Node.
 */
import type { MenuCommand } from '../shared/api.js';

export type Deliver = (command: MenuCommand) => void;

export class WindowCommands {
  private readonly waiting: MenuCommand[] = [];
  private deliver: Deliver | undefined;

  /** Sends now when a page listens, else when one does. */
  send(command: MenuCommand): void {
    if (this.deliver) this.deliver(command);
    else this.waiting.push(command);
  }

  /** A page subscribed (the preload's onMenuCommand): hand it what waited, in order. */
  listening(deliver: Deliver): void {
    this.deliver = deliver;
    for (const command of this.waiting.splice(0)) deliver(command);
  }

  /** The page is gone (window closed, reload started): hold commands for the next one. */
  stopped(): void {
    this.deliver = undefined;
  }
}
