import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { precacheOfflinePages } from './build/precache.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), precacheOfflinePages()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // .vite/manifest.json: what each page needs, read by build/precache.ts for the service worker
    manifest: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
