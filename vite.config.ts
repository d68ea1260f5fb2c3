import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The first screen loads as two scripts fetched in parallel, not one and not a dozen:
 * - the entry (main.tsx): only the client, which asks the server for the first screen at once;
 * - the app (mount.tsx and every module it imports statically: React, the shell, the tree),
 *   which index.html preloads beside the entry. A plain preload (the bytes only), not a
 *   modulepreload: Chromium compiles a modulepreload as it arrives, on the main thread, which
 *   put the app's compilation (tens of ms) before the entry's request for the first screen.
 * Everything else (the grid and Arrow, the chart, CodeMirror, the wizards) loads on use. Without
 * this, the bundler splits what the app shares with those lazy parts into small chunks, each one
 * more request before the first paint.
 */
const ENTRY = '/renderer/src/main.tsx';
const APP = '/renderer/src/mount.tsx';

function firstScreenChunks(): { plugin: Plugin; isApp: (id: string) => boolean } {
  const entry = new Set<string>();
  const app = new Set<string>();
  const plugin: Plugin = {
    name: 'pond-first-screen-chunks',
    apply: 'build',
    buildEnd() {
      // Modules reachable from `root` by static imports (dynamic imports are the lazy parts).
      const reach = (root: string | undefined, into: Set<string>) => {
        const todo = root ? [root] : [];
        for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
          if (into.has(id)) continue;
          into.add(id);
          todo.push(...(this.getModuleInfo(id)?.importedIds ?? []));
        }
      };
      const find = (suffix: string) => [...this.getModuleIds()].find((id) => id.endsWith(suffix));
      reach(find(ENTRY), entry);
      reach(find(APP), app);
      if (app.size === 0) this.error(`no module ${APP}`);
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const main = chunks.find((c) => c.moduleIds.some((id) => id.endsWith(APP)));
        if (!main) throw new Error(`vite: no chunk for ${APP}`);
        return [main.fileName, ...main.imports]
          .filter((f) => !html.includes(`./${f}"`))
          .map((file) => ({
            tag: 'link',
            attrs: { rel: 'preload', as: 'script', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
  return { plugin, isApp: (id) => app.has(id) && !entry.has(id) };
}

const firstScreen = firstScreenChunks();

// The renderer bundle: served by `pond serve` and loaded by the desktop app from dist/renderer.
// Relative asset URLs, so it works from any base (http://127.0.0.1:PORT/ and app://).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), firstScreen.plugin],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // One stylesheet, linked by index.html: no panel waits for its CSS (it is 20 KB in all).
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'index', tags: ['$initial'], priority: 2 },
            { name: 'app', test: firstScreen.isApp, priority: 1 },
          ],
        },
      },
    },
  },
});
