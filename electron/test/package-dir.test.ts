/**
 * Packages the app for real with `electron-builder --linux --dir` (the unpacked app a deb or an
 * AppImage is made from), offline: Electron's own distribution is replaced by a stub holding
 * only what packaging touches (a binary carrying Electron's fuse wire, its locales and sandbox
 * helper). Then reads what was made: the fuses flipped in the binary, and the app.asar holding
 * the built app and exactly the production dependencies, none of the renderer's libraries, with
 * DuckDB's native module unpacked beside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const require = createRequire(join(root, 'package.json'));
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: object): string[];
  extractFile(archive: string, file: string): Buffer;
};

/** Marks the fuse wire in Electron's binary (see @electron/fuses). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 0x31;
const OFF = 0x30;
/** Electron's fuses in wire order, with the states Electron 41 ships them in. */
const FUSES = [
  ['runAsNode', ON],
  ['enableCookieEncryption', OFF],
  ['enableNodeOptionsEnvironmentVariable', ON],
  ['enableNodeCliInspectArguments', ON],
  ['enableEmbeddedAsarIntegrityValidation', OFF],
  ['onlyLoadAppFromAsar', OFF],
  ['loadBrowserProcessSpecificV8Snapshot', OFF],
  ['grantFileProtocolExtraPrivileges', ON],
] as const;

/**
 * Type declarations (apache-arrow lists @types/node, which brings undici-types): nothing to run;
 * electron-builder keeps at most their package.json.
 */
const TYPES_ONLY = /(^|\/)node_modules\/(@types\/[^/]+|undici-types)$/;

let dir: string;
let app: string;
let build: ReturnType<typeof spawnSync>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-package-dir-'));
  const stub = join(dir, 'electron-dist');
  await mkdir(join(stub, 'locales'), { recursive: true });
  await mkdir(join(stub, 'resources'));
  const wire = Buffer.from([1, FUSES.length, ...FUSES.map(([, state]) => state)]);
  await writeFile(
    join(stub, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\nexit 1\n'), Buffer.from(SENTINEL), wire]),
  );
  await chmod(join(stub, 'electron'), 0o755);
  await writeFile(join(stub, 'chrome-sandbox'), '');
  await writeFile(join(stub, 'locales', 'en-US.pak'), '');
  await writeFile(join(stub, 'LICENSE'), 'stub');

  build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      '--dir',
      `-c.electronDist=${stub}`,
      `-c.directories.output=${join(dir, 'release')}`,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
  );
  app = join(dir, 'release', 'linux-unpacked');
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function asarFiles(): string[] {
  return asar.listPackage(join(app, 'resources', 'app.asar'), { isPack: false });
}

describe('electron-builder --dir', () => {
  it('packages the app', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(existsSync(join(app, 'pond-desktop'))).toBe(true);
    expect(existsSync(join(app, 'chrome-sandbox'))).toBe(true);
  });

  it('flips the fuses in the packaged binary', async () => {
    const binary = await readFile(join(app, 'pond-desktop'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    expect(binary[at]).toBe(1);
    const states = Object.fromEntries(
      FUSES.map(([name], i) => [name, binary[at + 2 + i] === ON ? 'on' : 'off']),
    );
    expect(states).toEqual({
      runAsNode: 'off',
      enableCookieEncryption: 'off',
      enableNodeOptionsEnvironmentVariable: 'off',
      enableNodeCliInspectArguments: 'off',
      enableEmbeddedAsarIntegrityValidation: 'on',
      onlyLoadAppFromAsar: 'on',
      loadBrowserProcessSpecificV8Snapshot: 'off',
      grantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('puts the built app in app.asar, without source maps or tests', () => {
    const files = asarFiles();
    for (const f of [
      '/package.json',
      '/dist/electron/main.js',
      '/dist/electron/preload.cjs',
      '/dist/pond/service/pond-service.js',
      '/dist/shared/api.js',
      '/packaging/icons/512x512.png',
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.startsWith('/dist/') && f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^\/dist\/.*\/test\//.test(f))).toEqual([]);
    const pkg = JSON.parse(
      asar.extractFile(join(app, 'resources', 'app.asar'), 'package.json').toString(),
    ) as { main: string; name: string };
    expect(pkg).toMatchObject({ main: 'dist/electron/main.js', name: 'pond' });
  });

  it('ships exactly the production dependencies, with DuckDB unpacked', async () => {
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    // The production closure: not dev-only, and (for optional platform packages) installed here.
    const production = Object.entries(lock.packages)
      .filter(([key, p]) => key.startsWith('node_modules/') && !p.dev)
      .filter(([key, p]) => !p.optional || existsSync(join(root, key)))
      .map(([key]) => key)
      .filter((key) => !TYPES_ONLY.test(key));
    expect(production).toContain('node_modules/@duckdb/node-api');

    const files = new Set(asarFiles());
    const unpacked = join(app, 'resources', 'app.asar.unpacked');
    const missing: string[] = [];
    for (const key of production) {
      const shipped =
        files.has(`/${key}/package.json`) || existsSync(join(unpacked, key, 'package.json'));
      if (!shipped) missing.push(key);
    }
    expect(missing).toEqual([]);
    // Nothing else at the top of node_modules: no renderer library (React, CodeMirror, uPlot...).
    const top = new Set(
      [...files]
        .filter((f) => f.startsWith('/node_modules/'))
        .map((f) => {
          const parts = f.split('/');
          return parts[2]!.startsWith('@') ? `${parts[2]}/${parts[3] ?? ''}` : parts[2]!;
        })
        .filter((name) => !name.endsWith('/') && !TYPES_ONLY.test(`node_modules/${name}`)),
    );
    for (const name of top) expect(production, name).toContain(`node_modules/${name}`);
    for (const name of [
      'react',
      'react-dom',
      'uplot',
      'zustand',
      '@codemirror/view',
      '@tanstack/react-table',
    ])
      expect(top.has(name), name).toBe(false);

    // DuckDB's native module is outside the archive, where the OS can load it.
    const binding = `@duckdb/node-bindings-${process.platform}-${process.arch}`;
    expect(existsSync(join(unpacked, 'node_modules', binding, 'duckdb.node'))).toBe(true);
  });
});
