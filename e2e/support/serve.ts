import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { e2eDir } from './environment';

export interface Served {
  /** The page's URL with its token, as `pond serve` printed it. */
  url: string;
  /** Its app-data folder (recent ponds), to start another server on the same one. */
  appData: string;
  /** The server process, to read its CPU time from /proc. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a real `pond serve` on a free port and waits for the URL it prints. Each server gets
 * its own app-data folder (recent ponds are written there); the demo pond made in global setup
 * is copied into it, so `--demo` opens it without building it again.
 */
export interface ServeOptions {
  /** An app-data folder to use (another server's); a new one when absent. */
  appData?: string;
  /** A fixed port (0, a free one, by default). */
  port?: number;
  /** More environment (e.g. POND_SERVE_TOKEN). */
  env?: Record<string, string>;
  /** `pond serve --export-root`. */
  exportRoot?: string;
}

export async function startServe(
  pond: { demo: true } | { path: string },
  options: ServeOptions = {},
): Promise<Served> {
  const appData = options.appData ?? mkdtempSync(join(e2eDir(), 'app-data-'));
  if ('demo' in pond && !options.appData) {
    cpSync(join(e2eDir(), 'demo-app-data', 'demo-pond'), join(appData, 'demo-pond'), {
      recursive: true,
    });
  }
  const port = String(options.port ?? 0);
  const args =
    'demo' in pond
      ? ['bin/pond.js', 'serve', '--demo', '--port', port]
      : ['bin/pond.js', '--pond', pond.path, 'serve', '--port', port];
  if (options.exportRoot) args.push('--export-root', options.exportRoot);
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      POND_APP_DATA: appData,
      POND_RENDERER_DIR: join(e2eDir(), 'renderer'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pond serve printed no URL in 60 s\nstdout: ${out}\nstderr: ${err}`)),
      60_000,
    );
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`pond serve exited (${code}) before serving\nstdout: ${out}\nstderr: ${err}`),
      );
    });
  });
  return { url, pid: child.pid!, appData, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * One `pond serve` for the tests of the file (or describe block) this is called in: started
 * before them, stopped after them. Its fields read the running server's.
 */
export function useServe(
  pond: { demo: true } | { path: string },
  options: ServeOptions = {},
): Served {
  let served: Served | undefined;
  test.beforeAll(async () => {
    served = await startServe(pond, options);
  });
  test.afterAll(async () => {
    await served?.stop();
  });
  const running = (): Served => {
    if (!served) throw new Error('pond serve is not running: useServe is read inside a test');
    return served;
  };
  return {
    get url() {
      return running().url;
    },
    get appData() {
      return running().appData;
    },
    get pid() {
      return running().pid;
    },
    stop: () => running().stop(),
  };
}
