// Which production and quality-control forms a batch page shows a user: the core checks every role and the
// order of stages again and its refusal wins; this only keeps out of sight what the user could not do.
import type { Role } from './bindings';

/** Every stage of a batch, in the order they happen (the catalogue's `stage.*` keys). */
export const STAGES = [
  'collection',
  'genetic_study',
  'manufacture',
  'quality_control',
  'release',
  'storage',
  'transport',
  'administration',
  'disposal',
] as const;
export type StageCode = (typeof STAGES)[number];

const has = (roles: readonly Role[], ...wanted: Role[]) => roles.some((r) => wanted.includes(r));

/**
 * The stages of `next` (the core's `next_stages`, those that may follow by hand) this user may record:
 * production staff any of them, QC staff only the quality-control stage (the samples received).
 */
export function stagesFor(next: readonly string[], roles: readonly Role[]): string[] {
  if (has(roles, 'production')) return [...next];
  if (has(roles, 'qc')) return next.filter((s) => s === 'quality_control');
  return [];
}

/** Production or QC staff may dispose of a batch once something was recorded for it, and only once. */
export function mayDispose(last: string | null, roles: readonly Role[]): boolean {
  return has(roles, 'production', 'qc') && last !== null && last !== 'disposal';
}

/** QC staff plan tests of a manufactured batch until it is released. */
export function mayPlanTests(last: string | null, roles: readonly Role[]): boolean {
  return has(roles, 'qc') && (last === 'manufacture' || last === 'quality_control');
}

/** QC staff release a batch after its quality-control stage. */
export function mayRelease(last: string | null, roles: readonly Role[]): boolean {
  return has(roles, 'qc') && last === 'quality_control';
}

/** The badge colour of a batch's latest stage: released and on its way green, disposed red, in work amber. */
export function stageClass(last: string | null): 'ok' | 'bad' | 'warn' | 'info' | '' {
  if (last === null) return '';
  if (last === 'disposal') return 'bad';
  if (last === 'administration') return 'info';
  return ['release', 'storage', 'transport'].includes(last) ? 'ok' : 'warn';
}
