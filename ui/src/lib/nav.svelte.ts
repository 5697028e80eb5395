// Which screen is open. A plain state machine instead of a router: the app has no URLs to share, and
// every screen is reached from the navigation or from a link on another screen.
export type View =
  | { name: 'home' }
  | { name: 'patients' }
  | { name: 'cases'; query?: string }
  | { name: 'case'; id: string }
  | { name: 'newCase'; patientId?: string; caseId?: string }
  | { name: 'queue' }
  | { name: 'meeting'; id: string }
  | { name: 'decisions' }
  | { name: 'decision'; id: string }
  | { name: 'board' }
  | { name: 'reports'; product?: string; periodOn?: string }
  | { name: 'report'; id: string }
  | { name: 'journal' }
  | { name: 'users' }
  | { name: 'composition' }
  | { name: 'organization' }
  | { name: 'exports' }
  | { name: 'certificates' }
  | { name: 'signing' }
  | { name: 'integrity' }
  | { name: 'production' }
  | { name: 'batch'; id: string }
  | { name: 'qcJournal' }
  | { name: 'permit' };

export const nav = $state<{ view: View }>({ view: { name: 'home' } });

export function go(view: View): void {
  nav.view = view;
}
