import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';

/** A stored blob: its content hash, which is also its name, and its size. */
export interface BlobRef {
  sha256: string;
  size: number;
}

const PREFIX = 'sha256=';

/**
 * Content-addressed, immutable files under data/_large_files/sha256=<hex>. A blob is written to a
 * temp name in the same folder and renamed into place, so a crash leaves at most a temp file
 * (an orphan that fsck reports and maintain removes), never a half-written blob. Writing the same
 * content twice is a no-op, which makes retried transactions cheap.
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
      await writeFile(tmp, bytes);
      await this.publish(tmp, sha256);
    }
    return { sha256, size: bytes.length };
  }

  /** Copies a host file in (hashing it on the way) and leaves the host file alone. */
  async putFile(hostPath: string): Promise<BlobRef> {
    const tmp = await this.tempPath();
    try {
      // A hard link is instant and safe here: blobs are never written in place.
      await link(hostPath, tmp).catch(() => copyFile(hostPath, tmp));
      return await this.adopt(tmp);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Takes ownership of a file written inside the blob folder (see `tempPath`). */
  async adopt(tmpPath: string): Promise<BlobRef> {
    const sha256 = await hashFile(tmpPath);
    const size = (await stat(tmpPath)).size;
    if (await this.has(sha256)) await rm(tmpPath, { force: true });
    else await this.publish(tmpPath, sha256);
    return { sha256, size };
  }

  /** A fresh temp path inside the blob folder, for writers that produce a blob in place. */
  async tempPath(suffix = ''): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `.tmp-${randomUUID()}${suffix}`);
  }

  async read(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.path(sha256));
    } catch (e) {
      throw new PondError(ErrorCode.DeltaCorrupt, `blob ${BlobStore.blobName(sha256)} is missing`, {
        input: this.path(sha256),
        cause: e,
      });
    }
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.path(sha256)).then(
      () => true,
      () => false,
    );
  }

  /** Every blob name and temp file in the folder, for fsck and maintain. */
  async list(): Promise<{ blobs: string[]; temps: string[] }> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return {
      blobs: names.filter((n) => n.startsWith(PREFIX)).map((n) => n.slice(PREFIX.length)),
      temps: names.filter((n) => n.startsWith('.tmp-')),
    };
  }

  private async publish(tmp: string, sha256: string): Promise<void> {
    await rename(tmp, this.path(sha256));
  }
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk);
  return h.digest('hex');
}
