/**
 * The renderer bundle as the desktop app serves it: `pond-app://bundle/<file>` maps to a file of
 * dist/renderer (never outside it), and every page carries the app's Content-Security-Policy.
 * Free of Electron so it can be tested with plain Node; main.ts registers it with
 * `protocol.handle`.
 */
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy } from '../pond/serve/security-headers.js';
import { bundleFile, contentTypeOf } from '../pond/serve/static-files.js';
import { APP_ORIGIN } from './ipc-handler.js';

/**
 * The page's policy under `pond serve`, without a WebSocket: the renderer reaches the engine only
 * through the preload's IPC bridge.
 */
export const ELECTRON_CSP = contentSecurityPolicy(undefined);

/** The URL of the app's start page. */
export const START_URL = `${APP_ORIGIN}/index.html`;

/** Answers one request for `pond-app://...`: a bundle file, or 404 for anything else. */
export async function appProtocolResponse(bundleDir: string, url: string): Promise<Response> {
  const headers = {
    'Content-Security-Policy': ELECTRON_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new Response('bad URL', { status: 400, headers });
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN)
    return new Response('not found', { status: 404, headers });
  // bundleFile decodes the path and refuses `..`, `.`, backslashes, NUL and unknown types.
  const file = await bundleFile(bundleDir, parsed.pathname);
  if (!file) return new Response('not found', { status: 404, headers });
  const body = await readFile(file);
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { ...headers, 'Content-Type': contentTypeOf(file) ?? 'text/plain' },
  });
}
