import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_DIR } from '../delta/index.js';
import type { OpenPond } from './pond-registry.js';

export interface CommitWatchOptions {
  /** Changes closer together than this are read once. */
  debounceMs?: number;
  /** How often the log folder is also looked at, for file systems where fs.watch is silent. */
  pollMs?: number;
}

interface Watched {
  open: OpenPond;
  lastSeq: number;
  watcher: FSWatcher | undefined;
  poll: NodeJS.Timeout;
  /** The log folder's last seen change time (the poll compares it). */
  changed: number;
  timer: NodeJS.Timeout | undefined;
  reading: Promise<void> | undefined;
  again: boolean;
}

/**
 * Notices commits to the open ponds, whoever makes them (the app's write jobs, the CLI, a cron
 * job): the pond's `_delta_log` folder is watched (fs.watch, plus a poll of the folder's change
 * time where watching is not available or silent, as on network file systems), changes are
 * debounced, and the pond's snapshot is read again. `onCommit` hears each new latest transaction
 * once, in order.
 */
export class CommitWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly debounceMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly onCommit: (open: OpenPond) => void,
    options: CommitWatchOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 100;
    this.pollMs = options.pollMs ?? 1000;
  }

  watch(open: OpenPond): void {
    if (this.watched.has(open.handle)) return;
    const dir = join(open.pond.layout.data, LOG_DIR);
    const w: Watched = {
      open,
      lastSeq: open.pond.lastSeq,
      watcher: undefined,
      poll: setInterval(() => void this.poll(w, dir), this.pollMs),
      changed: 0,
      timer: undefined,
      reading: undefined,
      again: false,
    };
    w.poll.unref();
    try {
      w.watcher = watch(dir, { persistent: false }, () => this.soon(w));
      // A watcher that fails later (the folder removed, too many watches) leaves the poll.
      w.watcher.on('error', () => {
        w.watcher?.close();
        w.watcher = undefined;
      });
    } catch {
      w.watcher = undefined;
    }
    this.watched.set(open.handle, w);
    void this.poll(w, dir);
  }

  unwatch(handle: string): void {
    const w = this.watched.get(handle);
    if (!w) return;
    this.watched.delete(handle);
    w.watcher?.close();
    clearInterval(w.poll);
    clearTimeout(w.timer);
  }

  closeAll(): void {
    for (const h of [...this.watched.keys()]) this.unwatch(h);
  }

  private async poll(w: Watched, dir: string): Promise<void> {
    const st = await stat(dir).catch(() => undefined);
    if (!st) return;
    const changed = Math.max(st.mtimeMs, st.ctimeMs);
    if (changed === w.changed) return;
    const first = w.changed === 0;
    w.changed = changed;
    if (!first) this.soon(w);
  }

  private soon(w: Watched): void {
    clearTimeout(w.timer);
    w.timer = setTimeout(() => void this.read(w), this.debounceMs);
    w.timer.unref();
  }

  /** Reads the pond's log again (one read at a time; a change during it reads once more). */
  private async read(w: Watched): Promise<void> {
    if (w.reading) {
      w.again = true;
      return;
    }
    w.reading = (async () => {
      do {
        w.again = false;
        try {
          await w.open.pond.delta.refresh();
        } catch {
          // A commit being written, or a pond closing: the next change or poll reads again.
          continue;
        }
        if (!this.watched.has(w.open.handle)) return;
        const seq = w.open.pond.lastSeq;
        if (seq !== w.lastSeq) {
          w.lastSeq = seq;
          this.onCommit(w.open);
        }
      } while (w.again);
    })();
    try {
      await w.reading;
    } finally {
      w.reading = undefined;
    }
  }
}
