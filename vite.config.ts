import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The entry (main.tsx) is only the client; the app (React, the views) is the chunk it imports at
 * once. Preloading that chunk and its imports from index.html fetches them alongside the entry
 * instead of after it has run.
 */
function preloadApp(entry: string): Plugin {
  return {
    name: 'pond-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const app = chunks.find((c) => c.facadeModuleId?.endsWith(entry));
        if (!app) throw new Error(`vite: no chunk for ${entry} to preload`);
        const fresh = (f: string) => !html.includes(`./${f}"`);
        // Its CSS as well: else the dynamic import waits to add it (and the page to restyle).
        const css = [...(app.viteMetadata?.importedCss ?? [])].filter(fresh);
        const js = [app.fileName, ...app.imports].filter(fresh);
        return [
          ...css.map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
          ...js.map((file) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
            injectTo: 'head' as const,
          })),
        ];
      },
    },
  };
}

// The renderer bundle: served by `pond serve` and loaded by the desktop app from dist/renderer.
// Relative asset URLs, so it works from any base (http://127.0.0.1:PORT/ and app://).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), preloadApp('/renderer/src/mount.tsx')],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Arrow, the grid, uPlot, CodeMirror and the wizards are split off and loaded on use.
    chunkSizeWarningLimit: 2000,
  },
});
