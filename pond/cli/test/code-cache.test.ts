/**
 * The CLI's bundle runs through a V8 code cache per command (pond/cli/bundle-loader.ts). Each test
 * runs a copy of the built bundle in a temp folder, so it can edit the bundle and its caches
 * without touching dist/ that other tests run.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPond, tempDir, type RunResult } from './run-pond.js';

const ROOT = resolve(import.meta.dirname, '../../..');

let t: Awaited<ReturnType<typeof tempDir>>;
let bundle: string;

beforeEach(async () => {
  t = await tempDir('pond-code-cache-');
  // The package.json above the bundle gives the version, and DuckDB's binding is a package, as
  // in the checkout.
  await cp(join(ROOT, 'package.json'), join(t.dir, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(t.dir, 'node_modules'));
  bundle = join(t.dir, 'dist/bundle/cli');
  await cp(join(ROOT, 'dist/bundle/cli'), bundle, {
    recursive: true,
    filter: (src) => !src.includes('code-cache'),
  });
  await writeFile(
    join(t.dir, 'pond.mjs'),
    "const { main } = await import('./dist/bundle/cli/main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n",
  );
});

afterEach(async () => {
  await t.cleanup();
});

/** The copied CLI (its own dist/, so its cache folder is this test's). */
function runCopy(args: string[]): Promise<RunResult> {
  return runPond(args, { bin: join(t.dir, 'pond.mjs'), cwd: t.dir });
}

async function bundleHash(): Promise<Buffer> {
  return createHash('sha256')
    .update(await readFile(join(bundle, 'cli.cjs')))
    .digest();
}

describe('the code cache of the CLI bundle', () => {
  it('is written by a command for the next run of it, which uses it and leaves it as it is', async () => {
    const first = await runCopy(['--help']);
    expect(first.code, first.stderr).toBe(0);
    const file = join(bundle, 'code-cache/none.v8');
    const cache = await readFile(file);
    expect(cache.subarray(0, 32).equals(await bundleHash())).toBe(true);
    expect(cache.length).toBeGreaterThan(10_000);
    const before = await stat(file);

    const second = await runCopy(['--help']);
    expect(second).toEqual(first);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('never runs the code of an earlier bundle of the same length', async () => {
    expect((await runCopy(['--help'])).stdout).toContain('Pond: a local-first');
    // The same bundle but one word: V8 alone would take the old cache (it checks the length).
    const source = await readFile(join(bundle, 'cli.cjs'), 'utf8');
    const edited = source.replace('"Pond: a local-first', '"Qond: a local-first');
    expect(edited.length).toBe(source.length);
    expect(edited).not.toBe(source);
    await writeFile(join(bundle, 'cli.cjs'), edited);

    const r = await runCopy(['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Qond: a local-first');
    // ...and the cache is now the new bundle's.
    const cache = await readFile(join(bundle, 'code-cache/none.v8'));
    expect(cache.subarray(0, 32).equals(await bundleHash())).toBe(true);
  });

  it('compiles anew when V8 rejects a cache, and replaces it', async () => {
    const file = join(bundle, 'code-cache/none.v8');
    const expected = await runCopy(['--help']);
    // The right hash, then bytes that are no V8 code cache.
    await writeFile(file, Buffer.concat([await bundleHash(), Buffer.alloc(4096, 7)]));
    expect(await runCopy(['--help'])).toEqual(expected);
    const cache = await readFile(file);
    expect(cache.subarray(32, 32 + 4096).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('keeps one cache per command that succeeded, none for a word that is no command', async () => {
    expect((await runCopy(['help', 'list'])).code).toBe(0);
    const unknown = await runCopy(['no-such-command']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'no-such-command'");
    // A command that failed early ran little of its code: its cache waits for a run that works.
    const failed = await runCopy(['--pond', join(t.dir, 'nowhere'), 'list']);
    expect(failed.code).toBe(1);
    expect((await readdir(join(bundle, 'code-cache'))).sort()).toEqual(['help.v8']);
    const init = await runCopy(['--pond', join(t.dir, 'nowhere'), 'init', '--birthplace', 'test']);
    expect(init.code, init.stderr).toBe(0);
    expect((await readdir(join(bundle, 'code-cache'))).sort()).toEqual(['help.v8', 'init.v8']);
  });

  it('never changes what a command prints or its exit code when no cache can be written', async () => {
    const expected = await runCopy(['--help']);
    await rm(join(bundle, 'code-cache'), { recursive: true });
    // A file where the cache folder should be: no cache can be read or written there.
    await writeFile(join(bundle, 'code-cache'), 'not a folder');
    expect(await runCopy(['--help'])).toEqual(expected);
    const failed = await runCopy(['--pond', join(t.dir, 'nowhere'), 'list']);
    expect(failed.code).toBe(1);
    expect(await readFile(join(bundle, 'code-cache'), 'utf8')).toBe('not a folder');
  });

  it('is written by concurrent runs into one whole cache, no temp file left', async () => {
    const runs = await Promise.all(Array.from({ length: 6 }, () => runCopy(['--help'])));
    for (const r of runs) expect(r).toEqual(runs[0]);
    expect(runs[0]!.code).toBe(0);
    expect(await readdir(join(bundle, 'code-cache'))).toEqual(['none.v8']);
    const cache = await readFile(join(bundle, 'code-cache/none.v8'));
    expect(cache.subarray(0, 32).equals(await bundleHash())).toBe(true);
    expect(await runCopy(['--help'])).toEqual(runs[0]);
  });
});
