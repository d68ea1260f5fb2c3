import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a bundle file, or undefined for a type the bundle never serves. */
export function contentTypeOf(file: string): string | undefined {
  return TYPES[extname(file).toLowerCase()];
}

/**
 * The file of the renderer bundle a URL path names, or undefined. Only files inside `root` with
 * a known type are served: `..`, encoded separators and NUL are refused.
 */
export async function bundleFile(root: string, urlPath: string): Promise<string | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  if (rel === '/' || rel === '') rel = '/index.html';
  if (rel.split('/').some((p) => p === '..' || p === '.')) return undefined;
  const base = resolve(root);
  const file = resolve(join(base, rel));
  if (!file.startsWith(base + sep)) return undefined;
  if (contentTypeOf(file) === undefined) return undefined;
  const st = await stat(file).catch(() => undefined);
  return st?.isFile() ? file : undefined;
}

export async function sendFile(
  res: ServerResponse,
  file: string,
  headOnly: boolean,
): Promise<void> {
  const st = await stat(file);
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeOf(file)!);
  res.setHeader('Content-Length', st.size);
  // Vite names every asset by its content's hash: a name never changes content, so the browser
  // keeps it (and V8 its compiled code) for the next load; index.html is asked for every time.
  res.setHeader(
    'Cache-Control',
    /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(file)
      ? 'private, max-age=31536000, immutable'
      : 'no-cache',
  );
  if (headOnly) {
    res.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    createReadStream(file).on('error', fail).pipe(res).on('finish', done).on('error', fail);
  });
}
