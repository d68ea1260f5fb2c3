#!/usr/bin/env node
/**
 * The `pond` command as esbuild bundles (`npm run build` runs this after tsc): bin/pond.js runs
 * dist/bundle/cli/main.js. Resolving, reading and linking the several hundred files tsc writes
 * (and those of commander, yaml, zod, Arrow...) would be most of the CLI's start
 * (bench/cli-start.ts, pond-import.ts), and compiling the code it runs most of the rest.
 *
 * - cli.cjs: pond/cli/main.ts and the packages it uses, as one CommonJS file. Node 20 has no
 *   compile cache, so main.js (pond/cli/bundle-loader.ts) compiles it as a vm.Script with a V8
 *   code cache per command, written beside it in code-cache/. Each command's module, loaded
 *   lazily by pond/cli/command-list.ts, stays lazy (an `import()` becomes a function that runs
 *   the module when called), and V8 only pre-parses the functions a run never calls, so
 *   `--help` or `list` run no more than they did.
 * - DuckDB's JavaScript (@duckdb/node-api, over a hundred CommonJS files) is in cli.cjs too, run
 *   when pond/duckdb/node-api.ts first requires it (POND_BUNDLE), so it is in the code cache;
 *   its native binding stays the installed package. External: the AWS SDK (hundreds of modules
 *   that only the S3 remote loads).
 * - Every file sits in one folder two levels below dist/, as tsc's dist/pond/<layer>/ files do,
 *   so a module that finds files from its own `import.meta.url` (here the bundle's own URL: the
 *   renderer's bundle in dist/renderer, the package.json) finds them from the bundle too.
 * - Source maps name our .ts files (bin/pond.js turns them on under POND_DEBUG; the loader then
 *   loads cli.cjs with a plain `require`, which Node maps).
 *
 * `node scripts/bundle-cli.mjs` alone rebuilds the bundle from the sources (tsc not needed), and
 * removes the code caches of the bundle it replaces.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(root, 'dist', 'bundle', 'cli');

// A stale file (or code cache) of an earlier build must not linger beside the new ones.
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'pond/cli/main.ts' },
  outdir: OUT_DIR,
  outExtension: { '.js': '.cjs' },
  // No comments, less to read, hash and hand to V8 (the source maps keep every position).
  minifyWhitespace: true,
  bundle: true,
  format: 'cjs',
  // Lazy `import()`s stay lazy: a function that requires its module when called.
  supported: { 'dynamic-import': false },
  platform: 'node',
  target: 'node20.19',
  packages: 'bundle',
  external: ['@duckdb/node-bindings', '@aws-sdk/*', '@smithy/*'],
  define: {
    POND_BUNDLE: 'true',
    'import.meta.url': '__pondImportMetaUrl',
  },
  banner: { js: "const __pondImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});
// The entry bin/pond.js imports: it runs cli.cjs through its code cache.
await build({
  absWorkingDir: root,
  entryPoints: { main: 'pond/cli/bundle-loader.ts' },
  outdir: OUT_DIR,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  logLevel: 'warning',
});
