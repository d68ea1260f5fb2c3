import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_CSP, START_URL, appProtocolResponse } from '../app-protocol.js';

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-electron-protocol-'));
  bundle = join(dir, 'renderer');
  await mkdir(join(bundle, 'assets'), { recursive: true });
  await writeFile(join(bundle, 'index.html'), '<!doctype html><title>Pond</title>');
  await writeFile(join(bundle, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await writeFile(join(bundle, 'assets', 'run.sh'), 'echo');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the pond-app:// protocol', () => {
  it('serves the bundle with the strict CSP', async () => {
    const page = await appProtocolResponse(bundle, START_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(await page.text()).toContain('<title>Pond</title>');
    expect(ELECTRON_CSP).toMatch(/script-src 'self';/);
    expect(ELECTRON_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    const root = await appProtocolResponse(bundle, 'pond-app://bundle/');
    expect(root.status).toBe(200);
    const js = await appProtocolResponse(bundle, 'pond-app://bundle/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
  });

  it('never serves anything outside the bundle', async () => {
    for (const url of [
      'pond-app://bundle/../secret.txt',
      'pond-app://bundle/%2e%2e/secret.txt',
      'pond-app://bundle/assets/%2e%2e/%2e%2e/secret.txt',
      'pond-app://bundle/%2E%2E%2Fsecret.txt',
      'pond-app://bundle/..%5csecret.txt',
      'pond-app://bundle/assets/run.sh',
      'pond-app://bundle/missing.js',
      'pond-app://other/index.html',
      'pond-app://bundle/%00index.html',
      'pond-app://bundle/%E0%A4%A',
      `pond-app://bundle/${encodeURIComponent(join(dir, 'secret.txt'))}`,
    ]) {
      const r = await appProtocolResponse(bundle, url);
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('secret');
    }
  });
});
