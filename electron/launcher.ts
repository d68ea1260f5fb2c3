/**
 * Which pond the window shows when the app starts, and the ponds the system asks it to open later
 * (a second launch, macOS's `open-file`). Main opens them itself (they are host paths, which the
 * page may never name) and hands the window the opened pond as a `showPond` command, so the page
 * never asks for it again. Free of Electron so it can be tested with plain Node.
 *
 * First run (no demo pond yet and an empty recent list) builds the demo pond once, as a job whose
 * progress the window shows, unless the launch named a pond.
 */
import { existsSync } from 'node:fs';
import type { MenuCommand } from '../shared/api.js';
import { ErrorCode, toErrorInfo } from '../shared/errors.js';
import { demoPondPath } from '../pond/service/demo-pond.js';
import type { LocalPondService } from '../pond/service/pond-service.js';

export interface LauncherOptions {
  service: LocalPondService;
  appData: string;
  /** Sends a command to the window (through WindowCommands, so none is lost before it listens). */
  show(command: MenuCommand): void;
}

export class Launcher {
  private started = false;
  private readonly requested: string[] = [];

  constructor(private readonly options: LauncherOptions) {}

  /**
   * A pond folder named by the command line or the system. Before `start` it waits (these events
   * come before the app is ready); after, it is opened at once.
   */
  request(path: string): void {
    if (this.started) void this.open(path);
    else this.requested.push(path);
  }

  /** Opens the requested ponds, or on first run the demo pond. Never rejects: errors are shown. */
  async start(): Promise<void> {
    this.started = true;
    const paths = this.requested.splice(0);
    if (paths.length > 0) {
      for (const path of paths) await this.open(path);
      return;
    }
    try {
      if (!(await this.isFirstRun())) return;
      this.options.show({ kind: 'showPond', pond: await this.options.service.openDemoPond() });
    } catch (e) {
      const error = toErrorInfo(e);
      // The user cancelled the demo's job in the window: nothing to tell them.
      if (error.code !== ErrorCode.Cancelled) this.options.show({ kind: 'showError', error });
    }
  }

  private async isFirstRun(): Promise<boolean> {
    if (existsSync(demoPondPath(this.options.appData))) return false;
    return (await this.options.service.recentPonds()).length === 0;
  }

  private async open(path: string): Promise<void> {
    try {
      this.options.show({ kind: 'showPond', pond: await this.options.service.openPath(path) });
    } catch (e) {
      this.options.show({ kind: 'showError', error: toErrorInfo(e) });
    }
  }
}
