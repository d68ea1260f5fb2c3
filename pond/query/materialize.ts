import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FileNode } from '../tinyfs/node.js';

/** A host path holding a data node's latest bytes: its blob, or a cached copy of inline bytes. */
export async function materialize(
  node: FileNode,
  path: string,
  env: { cacheDir?: string },
): Promise<string> {
  const versions = await node.versions();
  const latest = versions[versions.length - 1];
  if (latest?.blobPath) return latest.blobPath;
  if (!env.cacheDir) {
    throw new PondError(ErrorCode.Internal, `no cache folder to read '${path}' from`);
  }
  const dir = join(env.cacheDir, 'inline');
  await mkdir(dir, { recursive: true });
  const bytes = await node.read();
  const file = join(dir, `sha256=${latest?.sha256 ?? 'dynamic-' + node.id}`);
  await writeFile(file, bytes);
  return file;
}
