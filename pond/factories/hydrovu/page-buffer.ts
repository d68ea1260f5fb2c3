import { ErrorCode, PondError } from '../../../shared/errors.js';

/** The most a page may hold: a longer answer is refused as it comes. */
export const MAX_PAGE_BYTES = 1 << 30;

/**
 * One run's memory for the page being read: each response body is read into it chunk by chunk,
 * and the page is a view of it, valid until the next page is read. A fresh buffer a page (what
 * `Response.arrayBuffer()` makes) costs the kernel a new mapping and its page faults for every
 * page of about 160 KB, and the collector holds one page at a time (bench/hydrovu-collect.ts:
 * ~30 ms less CPU on 250 pages). It grows to the largest page read, so its size is bounded by
 * the page size, as the collector's memory must be, and never past its limit.
 */
export class PageBuffer {
  private memory = Buffer.allocUnsafe(1 << 18);

  /** `limit`: the largest page read; a longer body (a server that never stops) is refused. */
  constructor(private readonly limit: number) {}

  /** The whole body of `res`, as a view that the next `read` overwrites. */
  async read(res: Response): Promise<Buffer> {
    if (res.body === null) return this.memory.subarray(0, 0);
    const reader = res.body.getReader();
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return this.memory.subarray(0, length);
      if (length + value.length > this.limit) {
        await reader.cancel();
        throw new PondError(
          ErrorCode.BadInput,
          `a page of HydroVu's answer is longer than ${this.limit} bytes, the most a page can be; nothing was written for it`,
          { input: res.url },
        );
      }
      if (length + value.length > this.memory.length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * this.memory.length, length + value.length));
        this.memory.copy(grown, 0, 0, length);
        this.memory = grown;
      }
      this.memory.set(value, length);
      length += value.length;
    }
  }
}
