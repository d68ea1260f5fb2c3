/**
 * electron-builder.yml: valid for the installed electron-builder (its own schema check), with
 * the targets we ship, and pointing at files the build makes. No packaging runs here: that
 * downloads Electron and the platform tools.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = process.cwd();
const require = createRequire(join(root, 'package.json'));

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraMetadata: { main: string };
  asarUnpack: string[];
  linux: { target: string[] };
  mac: { target: string };
  win: { target: string };
}

async function config(): Promise<BuilderConfig> {
  return parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration check", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    const c = await config();
    await expect(validateConfiguration(c, new DebugLogger(false))).resolves.toBeUndefined();
    // The check is real: a misspelt option fails it.
    await expect(
      validateConfiguration({ ...c, asarUnpak: c.asarUnpack }, new DebugLogger(false)),
    ).rejects.toThrow(/asarUnpak/);
  });

  it('ships Pond for Linux, macOS and Windows from dist/, with DuckDB outside the asar', async () => {
    const c = await config();
    expect(c).toMatchObject({ appId: 'org.pond.desktop', productName: 'Pond' });
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.mac.target).toBe('dmg');
    expect(c.win.target).toBe('nsis');
    expect(c.asarUnpack).toContain('node_modules/@duckdb/**');
    expect(existsSync(join(root, 'node_modules/@duckdb/node-api/package.json'))).toBe(true);
    // The entry point and the preload are what `npm run build` makes.
    expect(c.extraMetadata.main).toBe('dist/electron/main.js');
    expect(existsSync(join(root, c.extraMetadata.main))).toBe(true);
    expect(existsSync(join(root, 'dist/electron/preload.cjs'))).toBe(true);
    for (const dir of ['dist/pond', 'dist/shared', 'dist/electron', 'dist/renderer'])
      expect(c.files).toContain(`${dir}/**/*`);
    for (const f of c.files.filter((f) => !f.startsWith('!') && f.endsWith('/**/*')))
      if (f !== 'dist/renderer/**/*') expect(existsSync(join(root, f.slice(0, -5))), f).toBe(true);
  });
});
