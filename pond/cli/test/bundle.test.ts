/**
 * bin/pond.js runs the CLI's esbuild bundle (dist/bundle/cli, scripts/bundle-cli.mjs), not tsc's
 * dist/pond. The modules that find files from their own `import.meta.url` must find them from
 * the bundle's folder too: the app's renderer (dist/renderer), the package.json (the version).
 * And a stack trace must still name our .ts files (the bundle's source maps).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPond, tempDir } from './run-pond.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BUNDLE = join(ROOT, 'dist/bundle/cli');

let t: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  t = await tempDir('pond-bundle-');
});

afterAll(async () => {
  await t.cleanup();
});

describe('the CLI bundle', () => {
  it('prints the version of the package.json above it, from any working folder', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const r = await runPond(['--version'], { cwd: t.dir });
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('serves the renderer from dist/renderer when no POND_RENDERER_DIR is given', async () => {
    expect((await runPond(['--pond', t.pond, 'init', '--birthplace', 'bundle'])).code).toBe(0);
    const env: Record<string, string | undefined> = {
      ...process.env,
      POND_APP_DATA: join(t.dir, 'app-data'),
    };
    delete env['POND_RENDERER_DIR'];
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/pond.js'), 'serve', '--pond', t.pond, '--port', '0'],
      { cwd: t.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const started = await new Promise<{ url?: URL; code?: number; out: string }>((done) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^Open (\S+)$/m.exec(out);
          if (m) done({ url: new URL(m[1]!), out });
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => done({ code: code ?? -1, out }));
      });
      const index = join(ROOT, 'dist/renderer/index.html');
      if (existsSync(index)) {
        // `npm run build` made the renderer: the page served is that file.
        expect(started.url, started.out).toBeDefined();
        const page = await fetch(started.url!);
        expect(page.status).toBe(200);
        expect(await page.text()).toBe(await readFile(index, 'utf8'));
      } else {
        // Only tsc and the bundle were built (vitest's setup): the refusal names where it looked.
        expect(started.code, started.out).toBe(1);
        expect(started.out).toContain(index);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('has source maps that name the .ts files it was built from', async () => {
    const map = JSON.parse(await readFile(join(BUNDLE, 'cli.cjs.map'), 'utf8')) as {
      sources: string[];
    };
    const sources = map.sources.map((s) => resolve(BUNDLE, s));
    expect(sources).toContain(join(ROOT, 'pond/cli/main.ts'));
    // Our modules by their .ts files, not by tsc's .js in dist/. (A package's map may name
    // sources it does not ship: apache-arrow's.)
    const ours = sources.filter((s) => !s.includes('/node_modules/'));
    expect(ours.filter((s) => !existsSync(s))).toEqual([]);
    expect(ours.filter((s) => !s.endsWith('.ts'))).toEqual([]);
  });
});
