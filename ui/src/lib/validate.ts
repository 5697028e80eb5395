// Client-side checks that give instant feedback as the user types. They mirror the core's rules (which decide
// in the end: the core checks everything again and its message wins) so a form can say what is wrong before
// a round trip. Each returns a catalogue key, or null when the value passes.
import type { MessageKey } from '../i18n';

export type Check = (value: string) => MessageKey | null;

export const required: Check = (v) => (v.trim() === '' ? 'check.required' : null);

/** ДД.ММ.ГГГГ, a real calendar day. */
export function parseDate(v: string): Date | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(v.trim());
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

export const date: Check = (v) => (v.trim() === '' ? null : parseDate(v) ? null : 'check.date');

/** ДД.ММ.ГГГГ ЧЧ:ММ */
export const dateTime: Check = (v) => {
  const m = /^(\d{2}\.\d{2}\.\d{4}) (\d{2}):(\d{2})$/.exec(v.trim());
  if (v.trim() === '') return null;
  return m && parseDate(m[1] ?? '') && Number(m[2]) < 24 && Number(m[3]) < 60 ? null : 'check.dateTime';
};

/** СНИЛС: 11 digits (spaces and dashes allowed) whose last two are the checksum of the first nine. */
export function snilsChecksumOk(digits: string): boolean {
  const body = digits.slice(0, 9);
  const given = Number(digits.slice(9));
  if (Number(body) <= 1001998) return true; // numbers up to 001-001-998 carry no checksum
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (9 - i);
  let check = sum % 101;
  if (check === 100) check = 0;
  return check === given;
}

export const snils: Check = (v) => {
  if (v.trim() === '') return null;
  const digits = v.replace(/[\s-]/g, '');
  if (!/^\d{11}$/.test(digits)) return 'check.snilsFormat';
  return snilsChecksumOk(digits) ? null : 'check.snilsChecksum';
};

export const icd: Check = (v) =>
  v.trim() === '' ? null : /^[A-ZА-Я]\d{2}(\.\d{1,2})?$/i.test(v.trim()) ? null : 'check.icd';

export function minLength(n: number): Check {
  return (v) => (v.length > 0 && v.length < n ? 'check.passwordShort' : null);
}

/** Runs checks over a form's values; the result maps each failing field to its first failing check. */
export function validate<F extends string>(
  values: Record<F, string>,
  rules: Partial<Record<F, Check[]>>,
): Partial<Record<F, MessageKey>> {
  const errors: Partial<Record<F, MessageKey>> = {};
  for (const field of Object.keys(rules) as F[]) {
    for (const check of rules[field] ?? []) {
      const problem = check(values[field] ?? '');
      if (problem) {
        errors[field] = problem;
        break;
      }
    }
  }
  return errors;
}
