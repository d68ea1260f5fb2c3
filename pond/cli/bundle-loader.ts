/**
 * The entry of the CLI's bundle (dist/bundle/cli/main.js, scripts/bundle-cli.mjs): it runs the
 * bundle of pond/cli/main.ts (cli.cjs, one CommonJS file) through a V8 code cache. Node 20 has no
 * compile cache (module.enableCompileCache is Node 22), and compiling the CLI's code, at load and
 * then function by function as it first runs, is a large part of a short command's CPU time
 * (bench/cli-start.ts, hydrovu-collect.ts). So the bundle is compiled as a vm.Script with the
 * code V8 serialized at the end of an earlier run of the same command (the functions that command
 * ran, already compiled), one cache per command in dist/bundle/cli/code-cache/.
 *
 * A cache never runs stale code: it starts with the SHA-256 of the bundle it was made from, and
 * is used only when that is the bundle's hash now (V8's own check is the source's length, its
 * version and flags). A cache that is missing, stale or rejected is written anew when the command
 * exits 0, through a temporary file renamed into place, so a concurrent process reads the old cache
 * or the new one, never half of one. A cache that cannot be written (a read-only install) costs
 * the time it would have saved, nothing else. With source maps on (POND_DEBUG, bin/pond.js), the
 * bundle is a plain `require`, which maps a stack trace to our .ts files.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { appVersion } from '../service/app-version.js';
import { commandName } from './command-name.js';
import { tuneV8 } from './v8-tuning.js';

type Cli = typeof import('./main.js');

/** The bundle of pond/cli/main.ts, beside this file once bundled. */
const BUNDLE = fileURLToPath(new URL('./cli.cjs', import.meta.url));
const CACHE_DIR = join(dirname(BUNDLE), 'code-cache');
const HASH_BYTES = 32;
/** The name of the cache of a command line that names no command (`pond`, `pond --help`). */
const NO_COMMAND = 'none';

/** Runs the `pond` command line (pond/cli/main.ts's `main`); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // Scripts ask for the version to check what is installed: answer before loading the bundle.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  tuneV8(); // before the bundle is compiled: the code cache is made and read with the same flags
  return loadCli(argv).main(argv);
}

function loadCli(argv: string[]): Cli {
  const require = createRequire(BUNDLE);
  if (process.sourceMapsEnabled) return require(BUNDLE) as Cli;
  const bytes = readFileSync(BUNDLE);
  const hash = createHash('sha256').update(bytes).digest();
  const name = commandName(argv) ?? NO_COMMAND;
  // Only a command's own name is a file name here; any other word reads no cache and writes none.
  const cacheFile = /^[a-z][a-z-]*$/.test(name) ? join(CACHE_DIR, `${name}.v8`) : undefined;
  const cachedData = cacheFile ? readCache(cacheFile, hash) : undefined;
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${decode(bytes)}\n})`,
    { filename: BUNDLE, cachedData },
  );
  const module = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, require, module, BUNDLE, dirname(BUNDLE));
  const cli = module.exports;
  const known = name === NO_COMMAND || name === 'help' || cli.isCommandName(name);
  if (cacheFile && known && (!cachedData || script.cachedDataRejected)) {
    // Only a run that succeeded: one that failed early compiled little of its command's code.
    process.once('exit', (code) => {
      if (code === 0) writeCache(cacheFile, hash, script);
    });
  }
  return cli;
}

/** The bundle's text: an ASCII file decodes as Latin-1, several times faster than UTF-8. */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** The cache's V8 data when it was made from the bundle whose hash is `hash`. */
function readCache(file: string, hash: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined; // none yet (or unreadable): this run compiles, and writes one
  }
  if (data.length <= HASH_BYTES || !data.subarray(0, HASH_BYTES).equals(hash)) return undefined;
  return data.subarray(HASH_BYTES);
}

/**
 * At exit: the code this run compiled, for the next run of the same command. It never throws (an
 * error thrown by an exit listener would change the command's exit code).
 */
function writeCache(file: string, hash: Buffer, script: Script): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(temp, Buffer.concat([hash, script.createCachedData()]));
    renameSync(temp, file);
  } catch {
    // A folder we may not write (an install owned by another user): the next run compiles again.
    removeQuietly(temp);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Not ours to fix at exit: a temp file in a folder we could not write to is not there.
  }
}
