// Saving and opening a PDF the UI shows: in the desktop app the native save dialog and a write on this
// computer; in a browser a download, and opening hands the file to the browser's own PDF viewer.
import { save } from '@tauri-apps/plugin-dialog';
import { commands } from '../lib/api';
import { inBrowser } from './index';

function blobUrl(bytes: Uint8Array): string {
  return URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/pdf' }));
}

/** Saves `bytes` as `name`: returns whether a file was written (false when the user cancelled). */
export async function savePdf(name: string, bytes: Uint8Array): Promise<boolean> {
  if (inBrowser) {
    const a = document.createElement('a');
    a.href = blobUrl(bytes);
    a.download = name;
    a.click();
    return true;
  }
  const path = await save({ defaultPath: name, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (typeof path !== 'string') return false;
  await commands.pdfWrite(path, Array.from(bytes));
  return true;
}

/** Opens the PDF in the browser's own viewer (a browser only: the desktop app shows it itself). */
export function openPdf(bytes: Uint8Array): void {
  window.open(blobUrl(bytes), '_blank', 'noopener');
}
