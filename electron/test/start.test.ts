/**
 * `npm start` on a machine without Electron's binary: it says why in one line, serves the app in
 * the browser, and makes the demo pond in the app data folder on first run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-start-'));
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function waitForUrl(p: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output.text += d.toString();
      const m = /^Open (http:\/\/\S+)$/m.exec(output.text);
      if (m) resolve(m[1]!);
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', (d: Buffer) => (output.text += d.toString()));
    p.on('exit', (code) =>
      reject(new Error(`npm start exited ${code} before serving:\n${output.text}`)),
    );
  });
}

describe('npm start', () => {
  it('falls back to pond serve --demo when Electron is missing, and serves the demo pond', async () => {
    const appData = join(dir, 'app-data');
    const renderer = join(dir, 'renderer');
    // A stand-in bundle: the real one is built by vite (npm run build:renderer).
    await mkdir(renderer, { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>Pond test bundle</title>');
    const emptyElectron = join(dir, 'no-electron');
    await mkdir(emptyElectron);

    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        POND_APP_DATA: appData,
        POND_RENDERER_DIR: renderer,
        // Wherever this runs, Electron's binary is "not installed": the electron package looks
        // for it in this empty folder (or, without its path.txt, fails to resolve at all).
        ELECTRON_OVERRIDE_DIST_PATH: emptyElectron,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    const url = new URL(await waitForUrl(child, output));

    expect(output.text).toMatch(
      /^Electron's binary is not installed \(.+\); serving the app in your browser instead\.$/m,
    );
    // One plain line, not Electron's advice to delete node_modules/electron and reinstall.
    expect(output.text).not.toMatch(/failed to install correctly|delete node_modules/);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(40);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pond test bundle');

    const res = await fetch(new URL('/api/openPonds', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; value: { path: string; name: string }[] };
    expect(body.ok).toBe(true);
    expect(body.value).toHaveLength(1);
    expect(body.value[0]).toMatchObject({ path: join(appData, 'demo-pond'), name: 'demo-pond' });

    const list = await fetch(new URL('/api/list', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        arg: {
          pond: (body.value[0] as unknown as { handle: string }).handle,
          path: '/sites',
          offset: 0,
          limit: 10,
        },
      }),
    });
    const sites = (await list.json()) as { value: { entries: { name: string }[] } };
    expect(sites.value.entries.map((e) => e.name)).toEqual(['north', 'south']);

    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
