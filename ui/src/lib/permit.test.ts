import { describe, expect, it } from 'vitest';
import { requirementClass, ruleWording } from './permit';
import ru from '../i18n/ru.json';
import en from '../i18n/en.json';

const fill = (text: string, n: number) => text.replace('{n}', String(n));

describe('ruleWording', () => {
  it('words working and calendar days with the Russian plural forms', () => {
    const say = (rule: string) => {
      const w = ruleWording(rule, 'ru')!;
      return fill(ru[w.key as keyof typeof ru], w.n);
    };
    expect(say('working_days:3')).toBe('3 рабочих дня');
    expect(say('working_days:50')).toBe('50 рабочих дней');
    expect(say('working_days:1')).toBe('1 рабочий день');
    expect(say('calendar_days:90')).toBe('90 календарных дней');
    expect(say('calendar_days:21')).toBe('21 календарный день');
  });

  it('words them in English', () => {
    const w = ruleWording('working_days:3', 'en')!;
    expect(fill(en[w.key as keyof typeof en], w.n)).toBe('3 working days');
  });

  it('leaves an unknown rule to be shown as sent', () => {
    expect(ruleWording('months:6', 'ru')).toBeNull();
    expect(ruleWording('', 'ru')).toBeNull();
  });

  it('only names keys both catalogues hold', () => {
    for (const rule of ['working_days:1', 'working_days:3', 'working_days:50', 'calendar_days:90', 'calendar_days:2']) {
      for (const locale of ['ru', 'en']) {
        const { key } = ruleWording(rule, locale)!;
        expect(key in ru && key in en, `${key} for ${rule} in ${locale}`).toBe(true);
      }
    }
  });
});

describe('requirementClass', () => {
  it('colours met green, expiring amber, expired and missing red', () => {
    expect(['met', 'expiring', 'expired', 'missing'].map(requirementClass)).toEqual(['ok', 'warn', 'bad', 'bad']);
  });
});
