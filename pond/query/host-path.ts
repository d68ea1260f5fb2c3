import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { PondUrl } from './url.js';

/**
 * The host file a host URL names: under `hostRoot` (`-d`), which it may not leave, else under
 * `/`. On its own (no DuckDB, no Delta), so a command can find its files before loading those.
 */
export function hostPath(url: PondUrl, env: { hostRoot?: string | undefined }): string {
  const root = env.hostRoot ?? '/';
  const p = resolve(root, '.' + (url.path.startsWith('/') ? url.path : '/' + url.path));
  if (env.hostRoot && !p.startsWith(resolve(env.hostRoot))) {
    throw new PondError(ErrorCode.PathEscape, `${url.raw} leaves the host folder ${env.hostRoot}`, {
      input: url.raw,
    });
  }
  return isAbsolute(p) ? p : resolve(p);
}
