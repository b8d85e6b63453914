/**
 * The console's build: one page served by the platform at `/` (same origin as the API). Screens are loaded on demand,
 * and the large libraries each go in a chunk of their own so the first screen loads only what it shows.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
