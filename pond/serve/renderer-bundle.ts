import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Where `vite build` puts the renderer: dist/renderer. This file runs from dist/pond/serve (tsc)
 * or from the CLI's bundle in dist/bundle/cli (scripts/bundle-cli.mjs): both two levels below.
 */
export function rendererBundleDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer');
}

/** Fails unless the folder holds a built renderer (its index.html). */
export function checkRendererBundle(dir: string): string {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new PondError(
      ErrorCode.NotFound,
      `the app's renderer is not built (no ${join(dir, 'index.html')}): run npm run build:renderer`,
      { input: dir },
    );
  }
  return dir;
}
