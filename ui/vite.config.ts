import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Tauri loads the dev server from the fixed devUrl in src-tauri/tauri.conf.json, so the port must not drift.
// `vite build --mode web` builds the same UI for a browser served by `btlp serve` (into dist-web): only the
// platform layer differs, the Tauri modules replaced by the shims in src/platform/web.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  resolve:
    mode === 'web'
      ? {
          alias: {
            '@tauri-apps/api/core': '/src/platform/web/core.ts',
            '@tauri-apps/api/event': '/src/platform/web/event.ts',
            '@tauri-apps/api/window': '/src/platform/web/window.ts',
            '@tauri-apps/plugin-dialog': '/src/platform/web/dialog.ts',
          },
        }
      : {},
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: { outDir: mode === 'web' ? 'dist-web' : 'dist', emptyOutDir: true },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
}));
