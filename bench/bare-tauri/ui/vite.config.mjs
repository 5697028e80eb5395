// Built from ui/ (whose node_modules it uses): `npx vite build --config ../bench/bare-tauri/ui/vite.config.mjs`.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true },
});
