import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PondError } from '../../shared/errors.js';

/** Where a backup lives: a host folder (`file:///path`) or a bucket and prefix (`s3://bucket/prefix`). */
export type RemoteLocation =
  | { kind: 'file'; url: string; path: string }
  | { kind: 's3'; url: string; bucket: string; prefix: string };

/** Parses a backup URL; anything else is INVALID_ARGUMENT naming the URL. */
export function parseRemoteUrl(url: string): RemoteLocation {
  const bad = (why: string): never => {
    throw new PondError(ErrorCode.InvalidArgument, `bad backup URL '${url}': ${why}`, {
      input: url,
    });
  };
  if (url.startsWith('file://')) {
    let path: string;
    try {
      path = fileURLToPath(new URL(url));
    } catch (e) {
      return bad(`${(e as Error).message} (use file:///absolute/path)`);
    }
    if (!isAbsolute(path)) bad('the path must be absolute (file:///absolute/path)');
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    if (trimmed === '/') bad('the remote folder must not be the root folder');
    return { kind: 'file', url: `file://${trimmed}`, path: trimmed };
  }
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = (slash < 0 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
    // S3's bucket naming rules (the lowercase, DNS-compatible ones every provider accepts).
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
      bad(`'${bucket}' is not a valid bucket name`);
    if (prefix.split('/').some((s) => s === '' || s === '.' || s === '..') && prefix !== '')
      bad('the prefix must not hold empty, . or .. segments');
    return { kind: 's3', url: `s3://${bucket}${prefix ? '/' + prefix : ''}`, bucket, prefix };
  }
  return bad('backups are file:///path or s3://bucket/prefix');
}
