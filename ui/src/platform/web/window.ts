// The browser's stand-in for `@tauri-apps/api/window`: the window's title is the document's title, which the
// app sets itself.
export function getCurrentWindow(): { setTitle: (title: string) => Promise<void> } {
  return { setTitle: async () => undefined };
}
