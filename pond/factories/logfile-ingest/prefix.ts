import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileVersion } from '../../tinyfs/node.js';

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
  hostPath: string,
  hostSize: number,
  held: MirroredFile,
): Promise<{ offset: number; size: number } | undefined> {
  if (hostSize < held.size) {
    const p = held.parts.find((x) => x.offset + x.size > hostSize) ?? held.parts[0]!;
    return { offset: p.offset, size: p.size };
  }
  for (const p of held.parts) {
    if ((await hashRange(hostPath, p.offset, p.size)) !== p.sha256)
      return { offset: p.offset, size: p.size };
  }
  return undefined;
}

export async function hashRange(path: string, start: number, size: number): Promise<string> {
  const h = createHash('sha256');
  if (size > 0) {
    for await (const chunk of createReadStream(path, { start, end: start + size - 1 }))
      h.update(chunk as Buffer);
  }
  return h.digest('hex');
}
