#!/usr/bin/env node
/**
 * `npm start`: builds what is stale, then runs the desktop app in Electron, or, when Electron's
 * binary is not installed, serves the same app to the browser with `pond serve --demo` (which
 * makes the demo pond in the user's data folder on first run) and prints its URL.
 *
 *   npm start                      Electron when present, else the browser
 *   npm start -- --browser         always the browser; other arguments go to `pond serve`
 *   npm start -- --browser --port 8080
 *
 * Environment: POND_APP_DATA (the app's data folder), POND_RENDERER_DIR (a prebuilt renderer
 * bundle instead of dist/renderer; then the renderer is not built).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const serveArgs = args.filter((a) => a !== '--browser');

/** The newest modification time (ms) of the files under `paths` (0 when none exist). */
function newest(paths) {
  let t = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(join(p, name));
    } else t = Math.max(t, st.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return t;
}

function run(command, commandArgs, what) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm start: ${what} failed (exit ${r.status ?? r.signal}); see the output above`);
    process.exit(1);
  }
}

// 1. The engine, the CLI and the Electron shell (tsc is incremental, so a rebuild is quick).
// The older of tsc's output and the CLI's bundle (bin/pond.js runs the bundle; 0 when missing).
const built = Math.min(
  newest(['dist/.tsbuildinfo', 'dist/electron/main.js']),
  newest(['dist/bundle/cli/main.js']),
);
const sources = newest(['pond', 'shared', 'electron', 'bench', 'tsconfig.json']);
if (!existsSync(join(root, 'dist/electron/main.js')) || sources > built) {
  console.log('npm start: building (tsc, then the CLI bundle that bin/pond.js runs)…');
  run(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
    'the build',
  );
  run(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], 'the CLI bundle');
}

// 2. The renderer bundle, unless one is given.
const rendererDir = process.env.POND_RENDERER_DIR
  ? resolve(process.env.POND_RENDERER_DIR)
  : join(root, 'dist/renderer');
if (!process.env.POND_RENDERER_DIR) {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  const index = join(rendererDir, 'index.html');
  const stale = !existsSync(index) || newest(['renderer']) > statSync(index).mtimeMs;
  if (stale && scripts['build:renderer'] && existsSync(join(root, 'renderer'))) {
    console.log('npm start: building the renderer (vite)…');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, ['run', '--silent', 'build:renderer'], 'the renderer build');
  }
}
if (!existsSync(join(rendererDir, 'index.html'))) {
  console.error(
    `npm start: the app's renderer is not built (no ${join(rendererDir, 'index.html')}): run npm run build:renderer`,
  );
  process.exit(1);
}

/**
 * Electron's executable, or why there is none, in words for this one line. The electron package
 * exports the path of the binary its install script downloaded; without the download it throws
 * "Electron failed to install correctly, please delete node_modules/electron and try installing
 * again", which is not what the user should do here (the download is skipped on purpose).
 */
function electronBinary() {
  let path;
  try {
    path = createRequire(import.meta.url)('electron');
  } catch (e) {
    const message = String(e instanceof Error ? e.message : e);
    if (/failed to install correctly/.test(message) || /Cannot find module/.test(message))
      return { reason: 'npm install did not download it' };
    return { reason: message.split('\n')[0] };
  }
  if (typeof path === 'string' && existsSync(path)) return { path };
  return { reason: `no binary at ${String(path)}` };
}

/** Runs a child with our stdio, passes Ctrl+C / SIGTERM on, and exits with its status. */
function runForeground(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('error', (e) => {
    console.error(`npm start: could not run ${command}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = forceBrowser ? { reason: 'asked for the browser (--browser)' } : electronBinary();
if (electron.path) {
  runForeground(electron.path, [join(root, 'dist/electron/main.js')]);
} else {
  const why = forceBrowser
    ? 'Serving the app in your browser (--browser)'
    : `Electron's binary is not installed (${electron.reason}); serving the app in your browser instead`;
  console.log(`${why}.`);
  runForeground(process.execPath, [join(root, 'bin/pond.js'), 'serve', '--demo', ...serveArgs]);
}
