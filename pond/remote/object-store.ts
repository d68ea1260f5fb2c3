import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';

/**
 * A place that holds a pond's Delta table as objects named by their path inside the table
 * (`_delta_log/00000000000000000007.json`, `part_id=.../part-....parquet`,
 * `_large_files/sha256=...`): a host folder or an S3 bucket prefix. The local pond's own `data/`
 * folder is one too, so push, pull and restore are the same transfer in different directions.
 *
 * Objects are never deleted, and only log entries are written conditionally: every other name is
 * unique (data files) or content-addressed (blobs, checkpoints of a version), so writing one twice
 * writes the same bytes.
 */
export interface ObjectStore {
  /** The store's URL, for messages. */
  readonly url: string;
  /** Objects directly inside a folder (`prefix` ends with /), after the key `startAfter`, sorted. */
  listFolder(prefix: string, startAfter?: string): Promise<StoredObject[]>;
  /** Whether the store holds any object at all (an empty remote can take any pond). */
  hasAny(): Promise<boolean>;
  /** The sizes of those keys that exist. */
  sizes(keys: readonly string[]): Promise<Map<string, number>>;
  /** A small object's bytes (log entries), or undefined when it does not exist. */
  read(key: string): Promise<ObjectBytes | undefined>;
  /** Streams an object through SHA-256; undefined when it does not exist. */
  hash(key: string): Promise<{ sha256: string; size: number } | undefined>;
  /** Writes an object from a host file; the stored copy is checked against the file's hash. */
  upload(key: string, file: string, options?: WriteOptions): Promise<WriteResult>;
  /** Writes a small object from memory (log entries, the checkpoint hint), checked the same way. */
  writeBytes(key: string, bytes: Uint8Array, options?: WriteOptions): Promise<WriteResult>;
  /** Copies an object into a host file, hashing the bytes on the way. */
  download(key: string, dest: string): Promise<{ sha256: string; size: number }>;
  /** The host path of an object, for stores that are host folders (DuckDB reads it in place). */
  localPath?(key: string): string;
  close(): void;
}

export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectBytes {
  bytes: Buffer;
  /** When the object was written by the pond (file times, or the S3 object's pond-mtime). */
  mtimeMs?: number;
}

export interface WriteOptions {
  /** Keep an existing object (log entries): the result says `written: false` instead. */
  ifAbsent?: boolean;
  /**
   * Replace an existing object: the `_last_checkpoint` hint (part of no version), and a copy found
   * with the wrong size, whose name fixes what it must hold.
   */
  replace?: boolean;
  /** The SHA-256 the content must have (blobs are named by it). */
  sha256?: string;
  /** The modification time to record (Delta takes a version's time from its commit file's). */
  mtimeMs?: number;
}

export interface WriteResult {
  /** False when `ifAbsent` found the object already there (nothing was written). */
  written: boolean;
  size: number;
  sha256: string;
}

/** The error of a remote operation: names the store, the object and what was being done. */
export function remoteError(url: string, key: string, doing: string, e: unknown): PondError {
  if (e instanceof PondError && (e.code === ErrorCode.Remote || e.code === ErrorCode.Cancelled))
    return e;
  const name = (e as { name?: string }).name;
  if (name === 'AbortError') {
    return new PondError(ErrorCode.Cancelled, `${url}: cancelled while it was to ${doing} ${key}`, {
      input: key ? `${url}/${key}` : url,
    });
  }
  const reason = messageOf(e) || name || 'unknown error';
  return new PondError(
    ErrorCode.Remote,
    `${url}: cannot ${doing} ${key || '(the remote root)'}: ${reason}`,
    { input: key ? `${url}/${key}` : url, cause: e },
  );
}

/**
 * Runs `fn` over items with at most `limit` at a time, in order of start. After a failure no new
 * item starts; it waits for the running ones (so nothing is left writing) and throws the first error.
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}
