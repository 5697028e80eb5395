// The browser's stand-in for `@tauri-apps/plugin-dialog`: choosing a file is an in-page file input, and what
// the caller gets back is a token for the chosen file (a browser gives no paths), which core.ts turns into the
// file's bytes when the command is sent. Choosing a folder is not offered: the browser downloads instead.
const chosen = new Map<string, File>();

export function picked(token: string): File | undefined {
  return chosen.get(token);
}

type Filter = { name: string; extensions: string[] };

export async function open(options: { directory?: boolean; filters?: Filter[] } = {}): Promise<string | null> {
  if (options.directory) return null;
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = (options.filters ?? []).flatMap((f) => f.extensions.map((e) => `.${e}`)).join(',');
  return new Promise((resolve) => {
    input.onchange = () => {
      const file = input.files?.[0];
      if (!file) return resolve(null);
      const token = `browser-file:${chosen.size}:${file.name}`;
      chosen.set(token, file);
      resolve(token);
    };
    input.oncancel = () => resolve(null);
    input.click();
  });
}

/** Choosing where to save: a browser saves its downloads itself, so there is nothing to choose. */
export async function save(_options: { defaultPath?: string } = {}): Promise<string | null> {
  void _options;
  return null;
}
