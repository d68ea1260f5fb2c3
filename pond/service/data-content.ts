import { open as openFile } from 'node:fs/promises';
import type { DataContent, DataRequest } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FileNode } from '../tinyfs/node.js';
import type { OpenPond } from './pond-registry.js';

/**
 * The first bytes of a data file and what they are, for the Data tab. A stored version kept as a
 * blob is read from the blob's start only, so a large file costs `maxBytes`, not its size.
 */
export async function dataContent(open: OpenPond, req: DataRequest): Promise<DataContent> {
  return open.pond.read(async (txn) => {
    const found = await (await txn.wd()).get(req.path);
    const node = found.node;
    if (node.type !== 'data') {
      throw new PondError(
        ErrorCode.WrongType,
        `'${found.path}' is a ${node.type}; only data files have content to show here`,
        { input: req.path },
      );
    }
    const { bytes, size } = await firstBytes(node, req.maxBytes);
    return {
      path: found.path,
      ...describeContent(found.path, bytes, bytes.length < size),
      size,
      bytes,
      truncated: bytes.length < size,
    };
  }, req.asOf);
}

async function firstBytes(
  node: FileNode,
  max: number,
): Promise<{ bytes: Uint8Array; size: number }> {
  const latest = (await node.versions()).at(-1);
  if (latest?.blobPath !== undefined) {
    const fh = await openFile(latest.blobPath, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(max, latest.size));
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, 0);
      return { bytes: new Uint8Array(buffer.subarray(0, bytesRead)), size: latest.size };
    } finally {
      await fh.close();
    }
  }
  const all = await node.read();
  return { bytes: all.subarray(0, max), size: all.length };
}

const IMAGES: [string, (b: Uint8Array) => boolean][] = [
  ['image/png', (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['image/jpeg', (b) => starts(b, [0xff, 0xd8, 0xff])],
  ['image/gif', (b) => starts(b, [0x47, 0x49, 0x46, 0x38])],
  [
    'image/webp',
    (b) => starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
  ],
];

/**
 * What the bytes are: an image by its magic number (SVG by its name and a `<svg` in the text);
 * text when they are UTF-8 without NUL bytes (Markdown, JSON, CSV by the name's extension);
 * anything else is binary.
 */
export function describeContent(
  path: string,
  bytes: Uint8Array,
  truncated: boolean,
): Pick<DataContent, 'format' | 'mime'> {
  for (const [mime, test] of IMAGES) if (test(bytes)) return { format: 'image', mime };
  const text = utf8(bytes, truncated);
  if (text === undefined) return { format: 'binary' };
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'svg' && !truncated && /<svg[\s>]/.test(text))
    return { format: 'image', mime: 'image/svg+xml' };
  if (ext === 'md' || ext === 'markdown') return { format: 'markdown' };
  if (ext === 'json' || ext === 'geojson') return { format: 'json' };
  if (ext === 'csv' || ext === 'tsv') return { format: 'csv' };
  return { format: 'text' };
}

/** The bytes as UTF-8, or undefined when they are not (a cut-off last character is allowed). */
function utf8(bytes: Uint8Array, truncated: boolean): string | undefined {
  if (bytes.includes(0)) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // A file cut at `maxBytes` may end inside a character: up to 3 bytes of it.
  for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // try one byte shorter
    }
  }
  return undefined;
}

function starts(b: Uint8Array, magic: number[]): boolean {
  return magic.every((m, i) => b[i] === m);
}
