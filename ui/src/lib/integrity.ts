// The «Целостность и копии» screen's wording and checks: each finding of the integrity check in plain words
// (a catalogue key and its parameters, some of them words from the catalogue too), the figures with the
// language's thousands separators, and the backup schedule's form checked before it goes to the core. The
// core decides what is intact and refuses a bad schedule; this only words its answers and catches typos early.
import type { Finding } from './bindings';
import type { MessageKey } from '../i18n';

/** A parameter: text shown as sent (a table's name, an id), or a word the catalogue translates. */
export type Part = string | { key: MessageKey };

export interface Wording {
  key: MessageKey;
  params: Record<string, Part>;
}

const DOCUMENT_KINDS = ['decision', 'consent', 'administration', 'report'];
const SCHEMA_OBJECTS = ['table', 'index', 'trigger', 'view'];
const FINDING_KINDS = ['sqlite', 'audit', 'document', 'row', 'schema'];

/** The translated word when the catalogue has one for `value`, otherwise `value` itself. */
const word = (prefix: string, known: string[], value: string): Part =>
  known.includes(value) ? { key: `${prefix}.${value}` as MessageKey } : value;

/** What a finding says, in catalogue terms. An unknown kind or state is shown as the core sent it. */
export function findingWording(f: Finding): Wording {
  switch (f.kind) {
    case 'row':
      if (['changed', 'added', 'removed'].includes(f.state))
        return { key: `integrity.row.${f.state}` as MessageKey, params: { table: f.subject, row: f.row } };
      break;
    case 'schema':
      if (['missing', 'changed', 'extra'].includes(f.state))
        return {
          key: `integrity.schema.${f.state}` as MessageKey,
          params: { object: word('integrity.object', SCHEMA_OBJECTS, f.row), name: f.subject },
        };
      break;
    case 'document':
      return { key: 'integrity.document', params: { document: word('integrity.docKind', DOCUMENT_KINDS, f.state), id: f.subject } };
    case 'audit':
      return { key: 'integrity.audit', params: { n: f.subject } };
    case 'sqlite':
      return { key: 'integrity.sqlite', params: { detail: f.subject } };
  }
  return { key: 'integrity.other', params: { text: [f.kind, f.state, f.subject, f.row].filter(Boolean).join(' ') } };
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The finding's sentence in the current language (`tr` is the catalogue's `t`). */
export function findingText(f: Finding, tr: Translate): string {
  const w = findingWording(f);
  const params = Object.fromEntries(Object.entries(w.params).map(([k, p]) => [k, typeof p === 'string' ? p : tr(p.key)]));
  return tr(w.key, params);
}

/** The finding's kind for the table's first column: file, audit trail, document, row or schema. */
export function findingKind(f: Finding): Part {
  return word('integrity.kind', FINDING_KINDS, f.kind);
}

/** A count with the language's thousands separators: 12 345 (a no-break space) in Russian, 12,345 in English. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 0 }).format(n);
}

/** The backup schedule as typed: the interval and the copies kept are text until checked. */
export interface ScheduleInput {
  folder: string;
  every_hours: string;
  keep: string;
}

export type ScheduleProblem = { key: MessageKey; params?: Record<string, number> };

/** A folder the core can take as a full path: /mnt/backup, D:\Копии or \\server\share. */
export function isFullPath(folder: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(folder);
}

const whole = (text: string, min: number, max: number): boolean => {
  const s = text.trim();
  return /^\d{1,4}$/.test(s) && Number(s) >= min && Number(s) <= max;
};

/**
 * The schedule's problems under the core's field names (so they land where the core's own refusals do):
 * the folder must be a full path, the interval 1–168 hours, the copies kept 1–365 — the core's limits.
 */
export function checkSchedule(v: ScheduleInput): Record<string, ScheduleProblem> {
  const out: Record<string, ScheduleProblem> = {};
  const folder = v.folder.trim();
  if (!folder) out.backup_folder = { key: 'check.required' };
  else if (!isFullPath(folder)) out.backup_folder = { key: 'check.fullPath' };
  if (!whole(v.every_hours, 1, 168)) out.backup_every_hours = { key: 'check.between', params: { min: 1, max: 168 } };
  if (!whole(v.keep, 1, 365)) out.backup_keep = { key: 'check.between', params: { min: 1, max: 365 } };
  return out;
}
