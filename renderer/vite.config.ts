/**
 * Builds the UI into renderer/dist with relative asset URLs (base './'), so the same files load
 * from `deskvault serve` (http://127.0.0.1:PORT/) and from Electron (file:// or app://).
 * No inline script or style is emitted: the server's CSP allows only 'self'.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // The folder of this file, whatever the working directory (Vite resolves it when it loads the config).
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The module-preload polyfill would be inlined into index.html; every target browser has it.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
