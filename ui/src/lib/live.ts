// Live screens: a screen says which records it shows and how to reload; a change notice about one of them
// (from this computer's core or the clinic server's stream, see the platform's `listen`) reloads it within
// moments, without a reload of the page and without polling. After a lost stream came back every live screen
// reloads once. Notices carry only kinds and ids; whom they may reach is the core's read policy.
import { listen } from '@tauri-apps/api/event';
import type { LiveEvent, NoticeSubject } from './bindings';

/** A record a screen shows: every one of a kind, or the one with this id. */
export type Interest = { subject: NoticeSubject; id?: string };

type Watch = { on: () => Interest[]; reload: () => unknown };

/** Notices that arrive together reload a screen once. */
export const SETTLE_MS = 120;
const EVENT = 'btlp://live';

const watches = new Set<Watch>();
const timers = new Map<Watch, ReturnType<typeof setTimeout>>();
let unlisten: Promise<() => void> | null = null;

function schedule(w: Watch): void {
  if (timers.has(w)) return;
  timers.set(
    w,
    setTimeout(() => {
      timers.delete(w);
      if (watches.has(w)) void w.reload();
    }, SETTLE_MS),
  );
}

/** Passes one event to the screens it concerns. */
export function dispatch(event: LiveEvent): void {
  for (const w of watches) {
    if (event.kind === 'resync') schedule(w);
    else if (event.notices.some((n) => w.on().some((i) => i.subject === n.subject && (i.id === undefined || i.id === n.id))))
      schedule(w);
  }
}

/**
 * Keeps a screen live while it is shown: `on` says (when a notice comes) which records it shows, `reload`
 * fetches them again. Returns the function that stops it (an `$effect`'s clean-up).
 */
export function live(on: () => Interest[], reload: () => unknown): () => void {
  const w: Watch = { on, reload };
  watches.add(w);
  unlisten ??= listen<LiveEvent>(EVENT, (e) => dispatch(e.payload)).catch(() => () => undefined);
  return () => {
    watches.delete(w);
    clearTimeout(timers.get(w));
    timers.delete(w);
    if (watches.size === 0 && unlisten) {
      void unlisten.then((stop) => stop());
      unlisten = null;
    }
  };
}
