#!/usr/bin/env node
/**
 * The `pond` command as one esbuild bundle (`npm run build` runs this after tsc): bin/pond.js
 * runs dist/bundle/cli/main.js. Node 20 has no compile cache for ES modules, and resolving,
 * reading and linking the several hundred files tsc writes (and those of commander, yaml, zod,
 * Arrow...) is most of the CLI's start (bench/cli-start.ts, pond-import.ts).
 *
 * - Code splitting: each command's module, loaded lazily by pond/cli/command-list.ts, stays a
 *   lazy chunk, so `--help` or `list` load no more than they did.
 * - External: the AWS SDK (hundreds of modules that only the S3 remote loads) and DuckDB, which
 *   pond/duckdb/node-api.ts loads through `require`: its JavaScript (@duckdb/node-api, over a
 *   hundred CommonJS files) is bundled apart into one file beside the chunks, which that module
 *   requires instead (POND_BUNDLED_DUCKDB); the native binding stays the installed package.
 * - Every chunk sits in one folder two levels below dist/, as tsc's dist/pond/<layer>/ files do,
 *   so a module that finds files from its own `import.meta.url` (the renderer's bundle in
 *   dist/renderer, the package.json) finds them from the bundle too.
 * - Source maps name our .ts files (bin/pond.js turns them on under POND_DEBUG).
 * - The bundled CommonJS packages (nunjucks, commander) call `require` for Node's built-ins:
 *   each chunk gets a real `require`, which an ES module does not have.
 *
 * `node scripts/bundle-cli.mjs` alone rebuilds the bundle from the sources (tsc not needed).
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(root, 'dist', 'bundle', 'cli');
/** @duckdb/node-api's JavaScript as one CommonJS file; its native binding stays a package. */
const DUCKDB_FILE = 'duckdb-node-api.cjs';

// A stale chunk of an earlier build must not linger beside the new ones.
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'pond/cli/main.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'bundle',
  external: ['@duckdb/*', '@aws-sdk/*', '@smithy/*'],
  define: { POND_BUNDLED_DUCKDB: JSON.stringify(`./${DUCKDB_FILE}`) },
  sourcemap: true,
  banner: {
    js: "import { createRequire as __pondCreateRequire } from 'node:module'; const require = __pondCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await build({
  absWorkingDir: root,
  entryPoints: ['@duckdb/node-api'],
  outfile: join(OUT_DIR, DUCKDB_FILE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external: ['@duckdb/node-bindings'],
  logLevel: 'warning',
});
