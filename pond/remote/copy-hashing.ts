import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** Bytes per read and write: large, so a copy is a few system calls per megabyte. */
const CHUNK = 4 << 20;

/** With `durable`, the disk starts writing a copy every this many bytes, not only at the end. */
const FLUSH_EVERY = 8 << 20;

/**
 * Copies a file to a new file (`to` must not exist) in one pass, hashing the bytes it writes:
 * each chunk is hashed on this thread while the next is read and the previous written on libuv's
 * threads, so the copy costs about what its slowest part costs. Returns the SHA-256 of the bytes
 * written. `durable`: the copy is fdatasynced before this returns, and the disk is set to work on
 * it as it grows (an fdatasync every few chunks, not waited for), so little is left to write at
 * the end.
 */
export async function copyHashing(
  from: string,
  to: string,
  options: { durable?: boolean } = {},
): Promise<string> {
  const src = await open(from, 'r');
  let dst: FileHandle | undefined;
  try {
    dst = await open(to, 'wx');
    const out = dst;
    const h = createHash('sha256');
    // Three buffers: one being read, one hashed, one written.
    const buffers = [0, 1, 2].map(() => Buffer.allocUnsafe(CHUNK));
    let pos = 0;
    let writing: Promise<void> = Promise.resolve();
    let flushing: Promise<void> | undefined;
    let unflushed = 0;
    let next = src.read(buffers[0]!, 0, CHUNK, 0);
    for (let k = 0; ; k++) {
      const { bytesRead } = await next;
      if (bytesRead === 0) break;
      const buf = buffers[k % 3]!;
      const at = pos;
      pos += bytesRead;
      // The buffer read next was last written two chunks ago, and that write has ended.
      next = src.read(buffers[(k + 1) % 3]!, 0, CHUNK, pos);
      h.update(buf.subarray(0, bytesRead));
      await writing;
      writing = writeAll(out, buf.subarray(0, bytesRead), at);
      unflushed += bytesRead;
      if (options.durable && flushing === undefined && unflushed >= FLUSH_EVERY) {
        unflushed = 0;
        flushing = writing
          .then(() => out.datasync())
          .finally(() => {
            flushing = undefined;
          });
      }
    }
    await writing;
    await flushing;
    if (options.durable) await out.datasync();
    return h.digest('hex');
  } finally {
    await dst?.close();
    await src.close();
  }
}

/** Writes all of `bytes` at `position` (a write may take fewer bytes than given). */
async function writeAll(h: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await h.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
