// The typed commands (generated in ./bindings) and what the screens do with their errors: every command
// throws an `IpcError` `{kind, code, message, field}`; a form shows the message beside `field`, or above
// the form when no field is named. Anything else (a broken IPC channel) becomes a storage-kind error so the
// screens never show raw text from the runtime.
import { type IpcError, type SavedFile } from './bindings';

export { commands } from './bindings';
export { Channel } from '@tauri-apps/api/core';
export type * from './bindings';

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e && 'kind' in e;
}

export function asIpcError(e: unknown, fallback: string): IpcError {
  if (isIpcError(e)) return e;
  console.error(e);
  return { kind: 'storage', code: 'ui.unexpected', message: fallback, field: null };
}

/// What a command that saves files on this workstation wrote: the records they hold and where they are.
export function written(files: SavedFile[]): { rows: number; path: string } {
  return { rows: files.reduce((n, f) => n + f.count, 0), path: files.map((f) => f.path).join(', ') };
}
