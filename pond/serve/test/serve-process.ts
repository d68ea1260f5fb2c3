/**
 * A real `pond serve` process for tests (bin/pond.js, which runs the compiled dist/), and what
 * a test reads of it from the outside: its URL, its pid (for cpu-time.ts), how it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  token: string;
  url: URL;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code (or the signal that killed it). */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

const started = new Set<ServeProcess>();

/** Kills every server a test started and left running (a failed test must not leave one busy). */
export async function killServeProcesses(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop('SIGKILL')));
}

/** Starts `pond serve --pond POND ...args` with a minimal renderer bundle in `dir`. */
export async function startServeProcess(
  dir: string,
  pond: string,
  args: string[] = [],
): Promise<ServeProcess> {
  const renderer = join(dir, 'renderer-bundle');
  await mkdir(renderer, { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>bundle</title>');
  const child = spawn(
    process.execPath,
    ['bin/pond.js', 'serve', '--pond', pond, '--port', '0', ...args],
    {
      env: { ...process.env, POND_RENDERER_DIR: renderer, POND_APP_DATA: join(dir, 'app-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal!)),
  );
  const url = await new Promise<URL>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Open (\S+)$/m.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    void exited.then((code) => reject(new Error(`pond serve exited ${code}: ${out}${err}`)));
    // A server that never prints its URL is not left running.
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pond serve printed no URL in 30 s: ${out}${err}`));
    }, 30_000).unref();
  });
  const served: ServeProcess = {
    child,
    pid: child.pid!,
    port: Number(url.port),
    token: url.searchParams.get('token')!,
    url,
    stderr: () => err,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  started.add(served);
  void exited.then(() => started.delete(served));
  return served;
}
