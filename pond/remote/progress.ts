import type { JobProgress } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * What a long remote operation gets from its caller: a cancel signal and a progress sink. The
 * service's JobContext satisfies it; the CLI passes its own. Both are optional.
 */
export interface RemoteWork {
  readonly signal?: AbortSignal;
  progress?(p: JobProgress): void;
}

/** Throws CANCELLED once the caller cancelled. */
export function checkCancelled(work: RemoteWork, what: string): void {
  if (work.signal?.aborted) throw new PondError(ErrorCode.Cancelled, `${what} was cancelled`);
}

/** Counts bytes and objects of a transfer and reports them, at most every 100 ms. */
export class TransferProgress {
  private bytes = 0;
  private objects = 0;
  private last = 0;

  constructor(
    private readonly work: RemoteWork,
    private readonly verb: string,
    private totalBytes: number,
    private totalObjects: number,
  ) {}

  /** More work became known (the blobs, once the data files are read). */
  extend(bytes: number, objects: number): void {
    this.totalBytes += bytes;
    this.totalObjects += objects;
    this.report(true);
  }

  object(bytes: number): void {
    this.objects++;
    this.bytes += bytes;
    this.report(false);
  }

  report(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.work.progress?.({
      done: this.bytes,
      total: this.totalBytes,
      message: `${this.verb} ${this.objects}/${this.totalObjects} objects, ${mb(this.bytes)} of ${mb(this.totalBytes)}`,
    });
  }
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}
