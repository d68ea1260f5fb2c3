import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer bundle: served by `pond serve` and loaded by the desktop app from dist/renderer.
// Relative asset URLs, so it works from any base (http://127.0.0.1:PORT/ and app://).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The main chunk holds React and Arrow; uPlot and CodeMirror are split off and loaded on use.
    chunkSizeWarningLimit: 2000,
  },
});
