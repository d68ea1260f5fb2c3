import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { matchWildcard } from '../../tinyfs/glob.js';
import { configError } from '../../config/config.js';

/** A host file a logfile-ingest pattern matches, as it was when the run looked. */
export interface HostFile {
  path: string;
  name: string;
  size: number;
}

/**
 * A host pattern of logfile-ingest: an absolute path whose last component may hold `*`
 * (`/var/log/app.log.*`); the folders above it are literal.
 */
export function checkHostPattern(pattern: string, where: string, key: string): void {
  if (!isAbsolute(pattern))
    throw configError(where, key, `'${pattern}' must be an absolute host path`);
  if (dirname(pattern).includes('*'))
    throw configError(where, key, `'${pattern}': only the file name may hold '*', not its folders`);
}

/** The regular files a pattern matches now, by name. A missing folder matches nothing. */
export async function matchHostFiles(pattern: string): Promise<HostFile[]> {
  const dir = dirname(pattern);
  const segments = basename(pattern).split('*');
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const out: HostFile[] = [];
  for (const name of names.sort()) {
    if (!matchWildcard(segments, name)) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st?.isFile()) out.push({ path, name, size: st.size });
  }
  return out;
}
