import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const POND_BIN = resolve(import.meta.dirname, '../../../bin/pond.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `pond` binary (or `bin`, another script that runs the CLI). */
export function runPond(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; bin?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [options.bin ?? POND_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** A temp folder for one test, and a pond path inside it. */
export async function tempDir(
  prefix = 'pond-test-',
): Promise<{ dir: string; pond: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, pond: join(dir, 'pond'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A helper bound to one pond: `pond('list', '/')` runs with --pond set; it fails the test on a non-zero exit. */
export function bound(pondPath: string, cwd?: string) {
  const run = (...args: string[]) => runPond(['--pond', pondPath, ...args], cwd ? { cwd } : {});
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    if (r.code !== 0)
      throw new Error(
        `pond ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
      );
    return r.stdout;
  };
  return { run, ok };
}
