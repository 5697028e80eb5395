// The browser's stand-in for `@tauri-apps/api/event`. The one event the UI listens to, `btlp://live`, comes
// from the clinic server's notice stream: Server-Sent Events on the session's cookie (same origin, so the CSP's
// `connect-src 'self'` holds). EventSource reconnects by itself; once a lost stream is back the screens are
// told to reload once. A stream the server refused (the session is over) is tried again every 5 s while a
// screen still listens.
type Handler<T> = (event: { payload: T }) => void;

const handlers = new Set<Handler<unknown>>();
let source: EventSource | null = null;
let lost = false;
let retry: ReturnType<typeof setTimeout> | undefined;

function emit(payload: unknown): void {
  for (const h of handlers) h({ payload });
}

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/v1/notices');
  source = es;
  es.addEventListener('live', (m) => emit(JSON.parse((m as MessageEvent<string>).data)));
  es.onopen = () => {
    if (lost) emit({ kind: 'resync' });
    lost = false;
  };
  es.onerror = () => {
    lost = true;
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    source = null;
    clearTimeout(retry);
    retry = setTimeout(() => handlers.size > 0 && open(), 5000);
  };
}

function close(): void {
  clearTimeout(retry);
  source?.close();
  source = null;
  lost = false;
}

export async function listen<T>(name: string, handler: Handler<T>): Promise<() => void> {
  if (name !== 'btlp://live') return () => undefined;
  handlers.add(handler as Handler<unknown>);
  open();
  return () => {
    handlers.delete(handler as Handler<unknown>);
    if (handlers.size === 0) close();
  };
}
