// Which platform this build runs on: the desktop app (Tauri) or a browser served by `btlp serve`
// (`vite build --mode web`). Only the platform layer asks; a screen asks only to hide what a browser cannot do.
export const inBrowser: boolean = import.meta.env.MODE === 'web';
