import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Tauri loads the dev server from the fixed devUrl in src-tauri/tauri.conf.json, so the port must not drift.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
