import { ErrorCode, PondError } from '../../shared/errors.js';
import type { WriteOptions } from './object-store.js';

/**
 * How an S3 upload is checked. Each PUT and part carries the content's SHA-256 and MD5, which S3
 * verifies before it stores anything; the answer must then echo the SHA-256 or carry the MD5 as
 * its ETag, or the upload counts as failed. The object keeps its SHA-256 (and a log entry its
 * commit time) in user metadata, so a download can be checked too.
 */

export const META_SHA256 = 'pond-sha256';
export const META_MTIME = 'pond-mtime';

export function metadata(sha256: string, options: WriteOptions): Record<string, string> {
  return {
    ...(sha256 ? { [META_SHA256]: sha256 } : {}),
    ...(options.mtimeMs !== undefined ? { [META_MTIME]: String(options.mtimeMs) } : {}),
  };
}

export function checkExpected(
  url: string,
  key: string,
  sha256: string,
  options: WriteOptions,
): void {
  if (options.sha256 && options.sha256 !== sha256) {
    throw new PondError(
      ErrorCode.Remote,
      `${url}: the local copy of ${key} hashes to ${sha256}, not ${options.sha256}: it is damaged (pond fsck), nothing was sent`,
      { input: key },
    );
  }
}

export function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}
