// How the permit screen words what the core sends as codes: an application's deadline rule
// (`working_days:3`, `calendar_days:90`) as "3 рабочих дня" / "90 календарных дней" with the language's plural
// forms, and the colour of a requirement's state.
import type { MessageKey } from '../i18n';
import { pluralForm } from './due';

/** The catalogue key and count for a deadline rule, or null for a rule this UI does not know (shown as sent). */
export function ruleWording(rule: string, locale: string): { key: MessageKey; n: number } | null {
  const m = /^(working_days|calendar_days):(\d+)$/.exec(rule.trim());
  if (!m) return null;
  const n = Number(m[2]);
  const kind = m[1] === 'working_days' ? 'working' : 'calendar';
  return { key: `permit.rule.${kind}.${pluralForm(locale, n)}` as MessageKey, n };
}

/** The badge colour of a requirement: met green, expiring amber, expired or missing red. */
export function requirementClass(state: string): 'ok' | 'warn' | 'bad' {
  return state === 'met' ? 'ok' : state === 'expiring' ? 'warn' : 'bad';
}
