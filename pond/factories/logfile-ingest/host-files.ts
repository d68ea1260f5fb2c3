import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { matchWildcard } from '../../tinyfs/glob.js';
import { configError } from '../../config/config.js';

/** A host file a logfile-ingest pattern matches, as it was when the run looked. */
export interface HostFile {
  path: string;
  name: string;
  size: number;
  /** Which file it was (a file renamed over it later is another). */
  dev: number;
  ino: number;
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

/**
 * The regular files a pattern matches now, by name. A missing folder matches nothing; so does a
 * file gone between the listing and its stat (rotated meanwhile: the next run sees it).
 */
export async function matchHostFiles(pattern: string): Promise<HostFile[]> {
  const dir = dirname(pattern);
  const segments = basename(pattern).split('*');
  const raw = await readdir(dir, { encoding: 'buffer' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as Buffer[];
    throw e;
  });
  const out: HostFile[] = [];
  for (const { bytes, name } of raw
    .map((bytes) => ({ bytes, name: bytes.toString('utf8') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!matchWildcard(segments, name)) continue;
    const path = join(dir, name);
    // Decoded with U+FFFD for its bad bytes, the name would name no file: it would be skipped.
    if (!Buffer.from(name, 'utf8').equals(bytes)) {
      throw new PondError(
        ErrorCode.BadInput,
        `${path}: this host file's name is not UTF-8 (bytes ${bytes.toString('hex')}), and the pond names its copy as on the host; rename it on the host`,
        { input: path },
      );
    }
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (st?.isFile()) out.push({ path, name, size: st.size, dev: st.dev, ino: st.ino });
  }
  return out;
}

/**
 * Opens a host file the run looked at, to read its first `upTo` bytes: refused when another file
 * was renamed over it or it was cut short since (a logrotate between the look and the read), so
 * the bytes a run stores all come from the file whose size it took.
 */
export async function openSeen(f: HostFile, upTo: number): Promise<FileHandle> {
  const handle = await open(f.path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw changedWhileRead(
      f,
      e.code === 'ENOENT' ? 'it is gone' : `it cannot be opened: ${e.code}`,
    );
  });
  try {
    const st = await handle.stat();
    if (st.dev !== f.dev || st.ino !== f.ino)
      throw changedWhileRead(f, 'another file took its name');
    if (st.size < upTo) throw changedWhileRead(f, `${f.size} bytes then, ${st.size} now`);
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** A host file that changed between the run taking its size and reading it: try again. */
export function changedWhileRead(f: HostFile, why: string): PondError {
  return new PondError(
    ErrorCode.Unavailable,
    `${f.path} changed while the run read it (${why}); nothing was ingested, run again`,
    { input: f.path },
  );
}
