// Who is signed in, shared by every screen, and the idle lock: after `idleMinutes` without a key press,
// click or scroll the session is ended in the backend (its keys dropped) and the sign-in screen returns.
import { commands, type UserInfo } from './bindings';
import { go } from './nav.svelte';

export const session = $state<{ user: UserInfo | null; lockedByIdle: boolean }>({ user: null, lockedByIdle: false });

const IDLE_KEY = 'btlp.idleMinutes';
export const DEFAULT_IDLE_MINUTES = 15;

export function idleMinutes(): number {
  const stored = Number(localStorage.getItem(IDLE_KEY));
  return Number.isFinite(stored) && stored >= 1 ? stored : DEFAULT_IDLE_MINUTES;
}

export function setIdleMinutes(minutes: number): void {
  localStorage.setItem(IDLE_KEY, String(Math.max(1, Math.round(minutes))));
  armIdleLock();
}

let timer: ReturnType<typeof setTimeout> | undefined;

function armIdleLock(): void {
  clearTimeout(timer);
  if (!session.user) return;
  timer = setTimeout(() => void signOut(true), idleMinutes() * 60_000);
}

export function signedIn(user: UserInfo): void {
  go({ name: 'home' }); // never open on the screen a previous user left
  session.user = user;
  session.lockedByIdle = false;
  armIdleLock();
}

export async function signOut(byIdle = false): Promise<void> {
  clearTimeout(timer);
  await commands.sessionSignOut().catch(() => undefined);
  session.user = null;
  session.lockedByIdle = byIdle;
  go({ name: 'home' });
}

for (const event of ['keydown', 'pointerdown', 'wheel'] as const) {
  window.addEventListener(event, armIdleLock, { passive: true });
}

export function hasRole(role: UserInfo['roles'][number]): boolean {
  return session.user?.roles.includes(role) ?? false;
}
