import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * `add.path` / `remove.path` are URIs (RFC 2396) relative to the table root, or absolute URIs.
 * They are decoded exactly once to get the file path: a directory that DuckDB named
 * `p=a%2Fb` is logged as `p=a%252Fb` (PROTOCOL "Add File and Remove File").
 */

// Unreserved characters plus the ones that are safe and readable in a path segment.
const KEEP = /[A-Za-z0-9\-_.!~*'()=]/;

/** Encodes a relative file path (with `/` separators) for the log. */
export function encodeDataPath(relative: string): string {
  let out = '';
  for (const ch of relative) {
    if (ch === '/' || KEEP.test(ch)) out += ch;
    else
      for (const b of Buffer.from(ch, 'utf8'))
        out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * The host path of a logged path: relative paths are joined to `root`; `file:` URIs and
 * absolute paths are taken as they are. Other schemes (s3://...) are not local files.
 */
export function absoluteDataPath(root: string, logPath: string): string {
  if (SCHEME.test(logPath)) {
    if (!logPath.startsWith('file:')) {
      throw new PondError(
        ErrorCode.DeltaUnsupported,
        `data file '${logPath}' is not a local file`,
        {
          input: logPath,
        },
      );
    }
    try {
      return fileURLToPath(new URL(logPath));
    } catch (e) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `data file path '${logPath}' is not a valid URI`,
        {
          input: logPath,
          cause: e,
        },
      );
    }
  }
  const decoded = decodeDataPath(logPath);
  return path.isAbsolute(decoded) ? decoded : path.join(root, decoded);
}

export function decodeDataPath(logPath: string): string {
  if (!logPath.includes('%')) return logPath;
  try {
    return decodeURIComponent(logPath);
  } catch (e) {
    throw new PondError(ErrorCode.DeltaCorrupt, `data file path '${logPath}' is not a valid URI`, {
      input: logPath,
      cause: e,
    });
  }
}

/**
 * The key that reconciles adds and removes of the same file: the decoded path, relative to
 * the root when an absolute path points inside it (PROTOCOL "Action Reconciliation").
 */
export function fileKey(root: string, logPath: string): string {
  if (!logPath.includes('%') && !logPath.includes(':') && !logPath.startsWith('/')) return logPath;
  const decoded = SCHEME.test(logPath) ? absoluteDataPath(root, logPath) : decodeDataPath(logPath);
  if (path.isAbsolute(decoded)) {
    const rel = path.relative(root, decoded);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return decoded;
}
