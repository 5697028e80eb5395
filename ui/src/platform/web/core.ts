// The browser's stand-in for `@tauri-apps/api/core` (the web build aliases it here, so the generated bindings
// stay the one source of command types): each command is a POST to the clinic server's /api/v1/<command> on
// the same origin. The session is an HttpOnly cookie the page never sees; its CSRF token is kept in memory only
// and sent on every request. A file the user picked (see dialog.ts) goes as bytes, a file the server produced
// is downloaded, a PDF arrives as its bytes.
import { picked } from './dialog';
import { t } from '../../i18n';

let csrf = '';

type Json = Record<string, unknown>;

/** Progress of long work, polled from the session's own `work_progress` while the command runs. */
export class Channel<T> {
  onmessage: (message: T) => void = () => undefined;
}

function fail(code: string, message: string): never {
  throw { kind: 'storage', code, message, field: null };
}

async function post(cmd: string, args: Json, extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (csrf) headers['x-csrf-token'] = csrf;
  const lang = typeof localStorage === 'undefined' ? null : localStorage.getItem('btlp.locale');
  if (lang) headers['accept-language'] = lang;
  try {
    return await fetch(`/api/v1/${cmd}`, { method: 'POST', headers, body: JSON.stringify(args), credentials: 'same-origin' });
  } catch {
    return fail('connection.unreachable', t('browser.unreachable'));
  }
}

async function reply(r: Response): Promise<unknown> {
  const type = r.headers.get('content-type') ?? '';
  if (!r.ok) throw await r.json();
  if (type.startsWith('application/octet-stream')) return Array.from(new Uint8Array(await r.arrayBuffer()));
  const body = await r.json();
  if (type.startsWith('application/vnd.btlp.files+json')) return (body as FileOut[]).map(download);
  return body;
}

type FileOut = { name: string; count: number; bytes: string };

/** A file the server produced, saved by the browser as a download. */
function download(f: FileOut): { path: string; count: number } {
  const bytes = Uint8Array.from(atob(f.bytes), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes]));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return { path: f.name, count: f.count };
}

async function upload(token: unknown): Promise<{ name: string; bytes: string } | null> {
  const file = typeof token === 'string' ? picked(token) : undefined;
  if (!file) return null;
  const buf = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < buf.length; i += 0x8000) text += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return { name: file.name, bytes: btoa(text) };
}

export async function invoke<T>(cmd: string, args: Json = {}): Promise<T> {
  switch (cmd) {
    case 'app_status': {
      const r = await post('session_status', {});
      const status = r.ok ? ((await r.json()) as { user: unknown; csrf: string }) : null;
      csrf = status?.csrf ?? '';
      const server = { url: location.origin, fingerprint: '' };
      return { db_path: location.origin, db_exists: true, user: status?.user ?? null, server } as T;
    }
    case 'session_sign_in': {
      const r = await post(cmd, args, { 'x-btlp-session': 'cookie' });
      const signed = (await reply(r)) as { user: unknown; csrf: string };
      csrf = signed.csrf;
      return signed.user as T;
    }
    case 'session_sign_out': {
      await post(cmd, {}).catch(() => undefined);
      csrf = '';
      return null as T;
    }
    case 'app_set_lang':
      return (csrf ? reply(await post(cmd, args)) : null) as T;
    case 'consent_record': {
      const { form, scanPath } = args;
      return (await reply(await post(cmd, { form, scan: await upload(scanPath) }))) as T;
    }
    case 'checklist_attach':
    case 'signing_use_external':
    case 'signing_trust_root': {
      const { path, ...rest } = args;
      return (await reply(await post(cmd, { ...rest, file: await upload(path) }))) as T;
    }
    case 'window_new':
      // Another tab on the same session (its cookie), which asks the server for its CSRF token as it starts.
      window.open(location.href, '_blank', 'noopener');
      return null as T;
    case 'backup_restore':
    case 'clinic_setup':
    case 'connection_inspect':
    case 'connection_set':
    case 'connection_local':
      return fail('refused.browser', t('browser.desktopOnly'));
  }
  // Long work reports its progress on a Channel; the browser asks the server for it meanwhile.
  const { onProgress, folder: _folder, ...rest } = args;
  void _folder;
  let polling: ReturnType<typeof setInterval> | undefined;
  if (onProgress instanceof Channel) {
    const channel = onProgress;
    polling = setInterval(async () => {
      const r = await post('work_progress', {}).catch(() => null);
      if (r?.ok) channel.onmessage(await r.json());
    }, 300);
  }
  try {
    return (await reply(await post(cmd, rest))) as T;
  } finally {
    clearInterval(polling);
  }
}
