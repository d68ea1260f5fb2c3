/**
 * electron-builder.yml and package.json, field by field: valid for the installed electron-builder
 * (its own schema check), with what each target refuses to build without (deb: homepage, an
 * author and a maintainer with an email; macOS: signing, hardened runtime, entitlements,
 * notarization), the fuses, our icons in the sizes each platform takes, and the dependencies
 * split so the app ships only what the main process runs. package-dir.test.ts packages the app.
 */
import { existsSync, readdirSync } from 'node:fs';
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
  directories: { output: string; buildResources: string };
  files: string[];
  extraMetadata: { main: string };
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: {
    target: string[];
    executableName: string;
    icon: string;
    maintainer: string;
  };
  mac: {
    target: string;
    icon: string;
    hardenedRuntime: boolean;
    forceCodeSigning: boolean;
    notarize: boolean;
    entitlements: string;
    entitlementsInherit: string;
  };
  win: { target: string; icon: string };
}

interface PackageJson {
  name: string;
  homepage?: string;
  author?: { name?: string; email?: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

async function config(): Promise<BuilderConfig> {
  return parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

async function packageJson(): Promise<PackageJson> {
  return JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as PackageJson;
}

/** A build resource, as electron-builder resolves it (relative to buildResources). */
function resource(c: BuilderConfig, path: string): string {
  return join(root, c.directories.buildResources, path);
}

/** Width, height and whether it has an alpha channel, from a PNG's IHDR. */
function pngInfo(png: Buffer): { width: number; height: number; alpha: boolean } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), alpha: png[25] === 6 };
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

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

  it('ships Pond from dist/ with DuckDB outside the asar: deb first on Linux, dmg, NSIS', async () => {
    const c = await config();
    expect(c).toMatchObject({ appId: 'org.pond.desktop', productName: 'Pond', asar: true });
    expect(c.linux.target).toEqual(['deb', 'AppImage']);
    expect(c.mac.target).toBe('dmg');
    expect(c.win.target).toBe('nsis');
    // `pond` on the PATH is the command line tool; the deb links the app as pond-desktop.
    expect(c.linux.executableName).toBe('pond-desktop');
    expect(c.asarUnpack).toEqual(['node_modules/@duckdb/**']);
    expect(existsSync(join(root, 'node_modules/@duckdb/node-api/package.json'))).toBe(true);
    // The entry point and the preload are what `npm run build` makes.
    expect(c.extraMetadata.main).toBe('dist/electron/main.js');
    expect(existsSync(join(root, c.extraMetadata.main))).toBe(true);
    expect(existsSync(join(root, 'dist/electron/preload.cjs'))).toBe(true);
    for (const dir of ['dist/pond', 'dist/shared', 'dist/electron', 'dist/renderer'])
      expect(c.files).toContain(`${dir}/**/*`);
    for (const f of c.files.filter((f) => !f.startsWith('!') && f.endsWith('/**/*')))
      if (f !== 'dist/renderer/**/*') expect(existsSync(join(root, f.slice(0, -5))), f).toBe(true);
    // The Linux window icon main.ts loads is in the app.
    expect(c.files).toContain('packaging/icons/512x512.png');
  });

  it('has the homepage, author and maintainer (with emails) the deb target requires', async () => {
    const p = await packageJson();
    expect(p.homepage).toMatch(/^https:\/\/\S+$/);
    expect(p.author?.name).toBeTruthy();
    expect(p.author?.email).toMatch(EMAIL);
    const c = await config();
    const m = /^(.+) <(.+)>$/.exec(c.linux.maintainer);
    expect(m, c.linux.maintainer).not.toBeNull();
    expect(m![2]).toMatch(EMAIL);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; asar only, checked; no file:// privileges', async () => {
    expect((await config()).electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('signs the macOS app with the hardened runtime, JIT as its only exception, and notarizes it', async () => {
    const c = await config();
    expect(c.mac).toMatchObject({
      hardenedRuntime: true,
      forceCodeSigning: true,
      notarize: true,
      entitlements: 'packaging/entitlements.mac.plist',
      entitlementsInherit: 'packaging/entitlements.mac.plist',
    });
    const plist = await readFile(join(root, c.mac.entitlements), 'utf8');
    expect(plist).toMatch(/^<\?xml /);
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<(\w+)\/>/g)].map((m) => [m[1], m[2]]);
    expect(keys).toEqual([['com.apple.security.cs.allow-jit', 'true']]);
  });
});

describe('the icons', () => {
  it('gives Linux a PNG per size, named by its size, with transparency', async () => {
    const c = await config();
    const dir = resource(c, c.linux.icon);
    const names = readdirSync(dir).sort((a, b) => parseInt(a) - parseInt(b));
    expect(names).toEqual([16, 32, 48, 64, 128, 256, 512].map((n) => `${n}x${n}.png`));
    for (const name of names) {
      const n = parseInt(name);
      expect(pngInfo(await readFile(join(dir, name))), name).toEqual({
        width: n,
        height: n,
        alpha: true,
      });
    }
  });

  it('gives Windows an ICO of PNGs from 16 to 256 px', async () => {
    const c = await config();
    const ico = await readFile(resource(c, c.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes: number[] = [];
    for (let i = 0; i < ico.readUInt16LE(4); i++) {
      const e = 6 + 16 * i;
      const declared = ico[e] === 0 ? 256 : ico[e]!;
      const png = ico.subarray(
        ico.readUInt32LE(e + 12),
        ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8),
      );
      expect(pngInfo(png)).toEqual({ width: declared, height: declared, alpha: true });
      expect(ico.readUInt16LE(e + 6)).toBe(32);
      sizes.push(declared);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('gives macOS an ICNS of PNGs up to 1024 px (512@2x)', async () => {
    const c = await config();
    const icns = await readFile(resource(c, c.mac.icon));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const PIXELS: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      ic11: 32,
      icp6: 64,
      ic12: 64,
      ic07: 128,
      ic08: 256,
      ic13: 256,
      ic09: 512,
      ic14: 512,
      ic10: 1024,
    };
    const found: string[] = [];
    for (let at = 8; at < icns.length;) {
      const type = icns.toString('ascii', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const n = PIXELS[type];
      expect(n, `unknown ICNS type ${type}`).toBeDefined();
      expect(pngInfo(icns.subarray(at + 8, at + length))).toEqual({
        width: n,
        height: n,
        alpha: true,
      });
      found.push(type);
      at += length;
    }
    expect(found.sort()).toEqual(Object.keys(PIXELS).sort());
  });
});

describe('package.json', () => {
  it("keeps the renderer's libraries out of the app: vite bundles them, so they are devDependencies", async () => {
    const p = await packageJson();
    /** Packages imported by the files under `dir` (bare specifiers, by package name). */
    const importsOf = async (dir: string): Promise<Set<string>> => {
      const found = new Set<string>();
      const walk = async (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const path = join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'test') await walk(path);
          } else if (/\.(m?ts|tsx|cts)$/.test(e.name)) {
            const text = await readFile(path, 'utf8');
            const specs = [
              ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gm),
              ...text.matchAll(/^\s*import\s*'([^']+)'/gm),
              ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
            ].map((m) => m[1]!);
            for (const spec of specs) {
              if (spec.startsWith('.') || spec.startsWith('node:')) continue;
              const parts = spec.split('/');
              found.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
            }
          }
        }
      };
      await walk(join(root, dir));
      return found;
    };
    const renderer = await importsOf('renderer/src');
    const runtime = new Set([
      ...(await importsOf('pond')),
      ...(await importsOf('shared')),
      ...(await importsOf('electron')),
    ]);
    runtime.delete('electron'); // provided by Electron itself
    const rendererOnly = [...renderer].filter((m) => !runtime.has(m));
    expect(rendererOnly).toEqual(
      expect.arrayContaining(['react', 'react-dom', 'uplot', 'zustand']),
    );
    for (const m of rendererOnly) {
      expect(p.dependencies, m).not.toHaveProperty(m);
      expect(p.devDependencies, m).toHaveProperty(m);
    }
    // Everything the main process and the CLI import at run time is a dependency.
    for (const m of runtime) expect(p.dependencies, m).toHaveProperty(m);
  });

  it("lets npm install Electron's binary (CI skips it with ELECTRON_SKIP_BINARY_DOWNLOAD)", async () => {
    const p = await packageJson();
    expect(p.allowScripts?.['electron']).toBe(true);
    // CI cannot download it (only the npm registry is reachable): its npm ci must skip it.
    const ci = await readFile(join(root, '.ci/run'), 'utf8');
    const install = ci.indexOf('npm ci');
    const skip = ci.search(/^export ELECTRON_SKIP_BINARY_DOWNLOAD=1$/m);
    expect(skip).toBeGreaterThanOrEqual(0);
    expect(skip).toBeLessThan(install);
  });
});
