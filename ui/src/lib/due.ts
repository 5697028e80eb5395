// How the deadline board and the reports show a due date: the days left (or overdue) in words with the
// language's plural forms, the row's highlight, the status badge's colour, and today as ДД.ММ.ГГГГ for a
// form's default. The core decides what is due and when; this only chooses the wording and the look.
import type { MessageKey } from '../i18n';

export type PluralForm = 'one' | 'few' | 'many';

/** Russian: 1, 21, 101 день; 2–4, 22–24 дня; 5–20, 11–14, 25 дней. English: 1 day, otherwise days. */
export function pluralForm(locale: string, n: number): PluralForm {
  const a = Math.abs(Math.trunc(n));
  if (locale !== 'ru') return a === 1 ? 'one' : 'many';
  const d10 = a % 10;
  const d100 = a % 100;
  if (d10 === 1 && d100 !== 11) return 'one';
  if (d10 >= 2 && d10 <= 4 && (d100 < 12 || d100 > 14)) return 'few';
  return 'many';
}

/** The wording of a due date `daysLeft` days away (negative when overdue): a catalogue key and its `n`. */
export function daysWording(daysLeft: number, locale: string): { key: MessageKey; n: number } {
  if (daysLeft === 0) return { key: 'due.today', n: 0 };
  const n = Math.abs(daysLeft);
  const form = pluralForm(locale, n);
  return { key: `${daysLeft < 0 ? 'due.overdue' : 'due.left'}.${form}` as MessageKey, n };
}

/** The class of a row with a due date: overdue rows are tinted red, those due within 3 days amber. */
export function dueClass(overdue: boolean, daysLeft: number): 'overdue' | 'soon' | '' {
  if (overdue) return 'overdue';
  return daysLeft <= 3 ? 'soon' : '';
}

/** The badge colour of a report's status. */
export function statusClass(status: string): 'warn' | 'info' | 'ok' {
  return status === 'sent' ? 'ok' : status === 'signed' ? 'info' : 'warn';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar day as ДД.ММ.ГГГГ, in local time. */
export function ddmmyyyy(d: Date): string {
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
}

/** A moment as ДД.ММ.ГГГГ ЧЧ:ММ, in local time (a stage's or a release's default time: now). */
export function dayTime(d: Date): string {
  return `${ddmmyyyy(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
