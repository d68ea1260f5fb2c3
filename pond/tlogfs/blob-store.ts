import { createHash, randomUUID } from 'node:crypto';
import { constants, statSync } from 'node:fs';
import { copyFile, link, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { syncDir, syncFile } from '../delta/durable-files.js';
import { isOwnStagedFile, ownStagingFolder } from './staging.js';

/** A stored blob: its content hash, which is also its name, and its size. */
export interface BlobRef {
  sha256: string;
  size: number;
}

const PREFIX = 'sha256=';

/**
 * Content-addressed, immutable files under data/_large_files/sha256=<hex>. A blob is written in
 * this process's staging folder (staging.ts) and renamed into place, so a crash leaves at most a
 * staged file (removed by maintain once its writer is gone), never a half-written blob. Writing
 * the same content twice is a no-op, which makes retried transactions cheap. Blobs are published
 * inside write transactions (under the write lock): one that no commit references is an orphan
 * that maintain removes.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  static blobName(sha256: string): string {
    return PREFIX + sha256;
  }

  path(sha256: string): string {
    return join(this.dir, BlobStore.blobName(sha256));
  }

  async putBytes(bytes: Uint8Array): Promise<BlobRef> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!(await this.has(sha256))) {
      const tmp = await this.tempPath();
      try {
        await writeFile(tmp, bytes);
        await this.publish(tmp, sha256);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    }
    return { sha256, size: bytes.length };
  }

  /**
   * Copies a file in (hashing it on the way) and leaves the file alone. `sha256`: the hash `seal`
   * gave for a file this process staged.
   */
  async putFile(hostPath: string, sha256?: string): Promise<BlobRef> {
    if (sha256 !== undefined && !isOwnStagedFile(hostPath)) {
      throw new PondError(ErrorCode.Internal, `a known hash is only taken for a staged file`, {
        input: hostPath,
      });
    }
    const tmp = await this.tempPath();
    try {
      // A file we staged is linked (instant; nothing writes it again). Anyone else's is copied
      // (cloned where the file system can): a link would share its inode, so editing that file in
      // place would silently change the blob.
      if (isOwnStagedFile(hostPath)) await link(hostPath, tmp).catch(() => copyFile(hostPath, tmp));
      else await copyFile(hostPath, tmp, constants.COPYFILE_FICLONE);
      // Renamed into place or removed by adopt: nothing to clean up after it succeeds.
      return await this.adopt(tmp, sha256);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Hashes a file made at a `tempPath` while the disk writes it out: done before a write
   * transaction (outside its lock), the hash goes to `putFile` and the blob's fsync there finds
   * nothing left to write.
   */
  static async seal(tmpPath: string): Promise<string> {
    const [sha256] = await Promise.all([hashFile(tmpPath), syncFile(tmpPath)]);
    return sha256;
  }

  /** Publishes a file made at a `tempPath` as a blob (inside a write transaction: see above). */
  async adopt(tmpPath: string, known?: string): Promise<BlobRef> {
    const sha256 = known ?? (await hashFile(tmpPath));
    const size = (await stat(tmpPath)).size;
    if (await this.has(sha256)) await rm(tmpPath, { force: true });
    else await this.publish(tmpPath, sha256);
    return { sha256, size };
  }

  /**
   * A fresh path in this process's staging folder, for writers that produce a blob's content
   * (a converted CSV...): invisible to cleanup while this process lives, removed when it ends, and
   * on the same file system as the blobs. `suffix` is a file extension such as `.parquet`.
   */
  async tempPath(suffix = ''): Promise<string> {
    if (!/^(\.[A-Za-z0-9]+)*$/.test(suffix)) {
      throw new PondError(ErrorCode.Internal, `temp file suffix '${suffix}' is not an extension`, {
        input: suffix,
      });
    }
    return join(await ownStagingFolder(this.dir), `${randomUUID()}${suffix}`);
  }

  async read(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.path(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw missingBlob(this.path(sha256), `blob ${BlobStore.blobName(sha256)}`, e);
    }
  }

  async has(sha256: string): Promise<boolean> {
    // Synchronous and non-throwing: a missing blob (every new one) is the common answer, and a
    // rejected fs promise builds an Error with its stack, which costs more than the stat itself.
    return statSync(this.path(sha256), { throwIfNoEntry: false }) !== undefined;
  }

  /**
   * The bytes are durable before the blob has its name; the name is made durable by the commit
   * that references it (`syncNames`), once for all of a transaction's blobs.
   */
  private async publish(tmp: string, sha256: string): Promise<void> {
    await syncFile(tmp);
    await rename(tmp, this.path(sha256));
  }

  /**
   * Makes the names of the blobs in the folder durable (one fsync of the folder): a commit that
   * references blobs calls it before it is published (see delta/durable-files.ts), whoever
   * placed them.
   */
  async syncNames(): Promise<void> {
    await syncDir(this.dir);
  }
}

/** A stored file the oplog needs is not on disk: the pond is damaged. */
export function missingBlob(path: string, what: string, cause?: unknown): PondError {
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `the pond is damaged: ${what} is missing (${path}); run pond fsck to see what else is affected`,
    { input: path, ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * A file's SHA-256, read through two reused buffers: one is hashed on this thread while the next
 * chunk is read into the other on libuv's (a stream would allocate a buffer a chunk, which for a
 * large converted file costs the garbage collector more than the hash itself).
 */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    let next = file.read(buffers[0]!, 0, HASH_CHUNK, null);
    for (let k = 0; ; k++) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      next = file.read(buffers[(k + 1) % 2]!, 0, HASH_CHUNK, null);
      h.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return h.digest('hex');
}

const HASH_CHUNK = 1 << 20;
