import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { FileVersion } from '../../tinyfs/node.js';
import { changedWhileRead, openSeen, type HostFile } from './host-files.js';

/** The parts of a mirrored file as the pond holds it: the versions from its last whole one. */
export interface MirroredFile {
  /** Its parts, first byte first, each with where it starts. */
  parts: { offset: number; size: number; sha256: string }[];
  /** Bytes the pond holds. */
  size: number;
  versions: number;
  /** Made by this run from a rotated active file (nothing to check against the host). */
  rotatedHere?: boolean;
}

export function mirroredFile(versions: FileVersion[]): MirroredFile {
  let from = versions.length - 1;
  while (from > 0 && versions[from]!.offset !== undefined) from--;
  const parts = versions
    .slice(Math.max(from, 0))
    .map((v) => ({ offset: v.offset ?? 0, size: v.size, sha256: v.sha256 }));
  const last = parts[parts.length - 1];
  return { parts, size: last ? last.offset + last.size : 0, versions: versions.length };
}

/**
 * Whether a host file starts with exactly the bytes the pond holds: each part's bytes are read
 * from the host file and hashed against the part's SHA-256 (one read of the tracked prefix).
 * Returns the first part that differs, or undefined when all match.
 */
export async function firstDifferentPart(
  host: HostFile,
  held: MirroredFile,
): Promise<{ offset: number; size: number } | undefined> {
  if (host.size < held.size) {
    const p = held.parts.find((x) => x.offset + x.size > host.size) ?? held.parts[0]!;
    return { offset: p.offset, size: p.size };
  }
  const handle = await openSeen(host, held.size);
  try {
    for (const p of held.parts) {
      if ((await hashRange(host, handle, p.offset, p.size)) !== p.sha256)
        return { offset: p.offset, size: p.size };
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

async function hashRange(
  host: HostFile,
  handle: FileHandle,
  start: number,
  size: number,
): Promise<string> {
  const h = createHash('sha256');
  let read = 0;
  if (size > 0) {
    for await (const chunk of handle.createReadStream({
      start,
      end: start + size - 1,
      autoClose: false,
    })) {
      h.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
  }
  if (read !== size) throw changedWhileRead(host, `${read} of ${size} bytes from ${start} read`);
  return h.digest('hex');
}
