import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { hashFile } from '../tlogfs/blob-store.js';
import { ownStagingFolder } from '../tlogfs/staging.js';
import { copyHashing } from './copy-hashing.js';
import {
  eachLimited,
  remoteError,
  type ObjectBytes,
  type ObjectStore,
  type StoredObject,
  type WriteOptions,
  type WriteResult,
} from './object-store.js';

/**
 * Temp files of writes in progress go in this process's staging folder under `_large_files/`
 * (tlogfs/staging.ts), as the pond's own writers' do: hidden from Delta readers, never taken for
 * a live writer's leftovers, and removed by `maintain` (in a pond) once their writer is gone. The
 * folder is inside the root, so placing is a link.
 */
const TEMP_DIR = '_large_files';

/**
 * A host folder as an object store (file:// backups, and the pond's own `data/`). Every object is
 * written to a hidden temp file while the bytes written are hashed in the same pass
 * (copy-hashing.ts; a blob must hash to its name, so a damaged source is never copied), fsynced,
 * then hard-linked into place: a crash leaves at most a temp file, never a half-written object,
 * and a log entry that exists is never replaced. Reading a fresh copy back would only read the page cache; `pond
 * verify` re-reads the backup later, from the disk.
 */
export class FileStore implements ObjectStore {
  /** Folders that got new entries, fsynced by `flush` (before the log entries that need them). */
  private readonly touched = new Set<string>();

  private readonly tempDir: string;

  constructor(
    readonly root: string,
    readonly url: string = `file://${root}`,
  ) {
    this.tempDir = join(root, TEMP_DIR);
  }

  localPath(key: string): string {
    if (key.split('/').some((s) => s === '..' || s === '.' || s === '') || key.startsWith('/')) {
      throw new PondError(ErrorCode.InvalidArgument, `${this.url}: bad object name '${key}'`, {
        input: key,
      });
    }
    return join(this.root, ...key.split('/'));
  }

  async listFolder(prefix: string, startAfter?: string): Promise<StoredObject[]> {
    const dir = prefix === '' ? this.root : this.localPath(prefix.replace(/\/$/, ''));
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw remoteError(this.url, prefix, 'list', e);
    }
    const keys = entries
      .filter((e) => e.isFile())
      .map((e) => prefix + e.name)
      .filter((k) => startAfter === undefined || k > startAfter)
      .sort();
    const out: StoredObject[] = [];
    for (const key of keys) {
      const st = await stat(join(dir, key.slice(prefix.length))).catch(() => undefined);
      if (st) out.push({ key, size: st.size });
    }
    return out;
  }

  async hasAny(): Promise<boolean> {
    try {
      return (await readdir(this.root)).length > 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw remoteError(this.url, '', 'list', e);
    }
  }

  async sizes(keys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await eachLimited(keys, 32, async (key) => {
      const st = await stat(this.localPath(key)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw remoteError(this.url, key, 'look at', e);
      });
      if (st?.isFile()) out.set(key, st.size);
    });
    return out;
  }

  async read(key: string): Promise<ObjectBytes | undefined> {
    const path = this.localPath(key);
    try {
      const [bytes, st] = await Promise.all([readFile(path), stat(path)]);
      return { bytes, mtimeMs: Math.floor(st.mtimeMs) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw remoteError(this.url, key, 'read', e);
    }
  }

  async hash(key: string): Promise<{ sha256: string; size: number } | undefined> {
    const path = this.localPath(key);
    try {
      const size = (await stat(path)).size;
      return { sha256: await hashFile(path), size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw remoteError(this.url, key, 'read', e);
    }
  }

  async upload(key: string, file: string, options: WriteOptions = {}): Promise<WriteResult> {
    return this.place(key, options, (tmp) => copyHashing(file, tmp, { durable: true }));
  }

  async writeBytes(
    key: string,
    bytes: Uint8Array,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    return this.place(key, options, async (tmp) => {
      const h = await open(tmp, 'wx');
      try {
        await h.writeFile(bytes);
      } finally {
        await h.close();
      }
      return createHash('sha256').update(bytes).digest('hex');
    });
  }

  /**
   * Places an object whose bytes `fill` writes into a temp file, returning the SHA-256 of the
   * bytes it wrote (e.g. a download from another store, hashed as it arrives).
   */
  async receive(
    key: string,
    fill: (tmp: string) => Promise<string>,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    return this.place(key, options, fill);
  }

  async download(key: string, dest: string): Promise<{ sha256: string; size: number }> {
    try {
      const sha256 = await copyHashing(this.localPath(key), dest);
      return { sha256, size: (await stat(dest)).size };
    } catch (e) {
      throw remoteError(this.url, key, 'read', e);
    }
  }

  /**
   * A fresh folder for scratch files (a checkpoint to read, objects to hash) in this process's
   * staging folder of the store: in a pond, `maintain` removes it should this process die.
   */
  async scratchFolder(): Promise<string> {
    const dir = join(await ownStagingFolder(this.tempDir), randomUUID());
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** fsyncs the folders that got new objects, so a crash cannot lose them once the log names them. */
  async flush(): Promise<void> {
    const dirs = [...this.touched];
    this.touched.clear();
    await eachLimited(dirs, 8, (d) => syncDir(d));
  }

  close(): void {}

  private async place(
    key: string,
    options: WriteOptions,
    fill: (tmp: string) => Promise<string>,
  ): Promise<WriteResult> {
    const dest = this.localPath(key);
    const dir = dirname(dest);
    const tmp = join(await ownStagingFolder(this.tempDir), randomUUID());
    try {
      await mkdir(dir, { recursive: true });
      const expected = await fill(tmp);
      if (options.sha256 && options.sha256 !== expected) {
        throw new PondError(
          ErrorCode.Remote,
          `${this.url}: ${key} hashes to ${expected}, not ${options.sha256}: its source is damaged (pond fsck, pond verify); nothing was written`,
          { input: `${this.url}/${key}` },
        );
      }
      if (options.mtimeMs !== undefined) {
        const t = new Date(options.mtimeMs);
        await utimes(tmp, t, t);
      }
      const h = await open(tmp, 'r+');
      let size: number;
      try {
        // The content must be on disk before the log names it; a commit's time too.
        if (options.mtimeMs !== undefined) await h.sync();
        else await h.datasync();
        size = (await h.stat()).size;
      } finally {
        await h.close();
      }
      if (options.replace) {
        await rename(tmp, dest);
        await syncDir(dir);
        return { written: true, size, sha256: expected };
      }
      try {
        await link(tmp, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (!options.ifAbsent) {
          // Unique or content-addressed names: the existing object must be the same bytes.
          const there = await stat(dest);
          if (there.size !== size) {
            throw new PondError(
              ErrorCode.Remote,
              `${this.url}: ${key} is already there with ${there.size} bytes, not ${size}: the remote copy is damaged (pond verify)`,
              { input: `${this.url}/${key}` },
            );
          }
        }
        return { written: false, size, sha256: expected };
      }
      this.touched.add(dir);
      if (options.ifAbsent) await syncDir(dir);
      return { written: true, size, sha256: expected };
    } catch (e) {
      throw remoteError(this.url, key, 'write', e);
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
