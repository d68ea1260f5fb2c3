import type { Job } from '../job/job.js';

/** Counts bytes and objects of a transfer and reports them, at most every 100 ms. */
export class TransferProgress {
  private bytes = 0;
  private objects = 0;
  private last = 0;

  constructor(
    private readonly job: Job | undefined,
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
    this.job?.progress({
      done: this.bytes,
      total: this.totalBytes,
      message: `${this.verb} ${this.objects}/${this.totalObjects} objects, ${mb(this.bytes)} of ${mb(this.totalBytes)}`,
    });
  }
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}
