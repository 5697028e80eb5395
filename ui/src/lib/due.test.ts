import { describe, expect, it } from 'vitest';
import { dayTime, daysWording, ddmmyyyy, dueClass, pluralForm, statusClass } from './due';
import ru from '../i18n/ru.json';
import en from '../i18n/en.json';

describe('pluralForm', () => {
  it('follows the Russian rules: день, дня, дней', () => {
    const forms = Object.fromEntries([1, 2, 4, 5, 11, 12, 14, 15, 21, 22, 25, 101, 111, 112, 124].map((n) => [n, pluralForm('ru', n)]));
    expect(forms).toEqual({
      1: 'one', 2: 'few', 4: 'few', 5: 'many', 11: 'many', 12: 'many', 14: 'many', 15: 'many',
      21: 'one', 22: 'few', 25: 'many', 101: 'one', 111: 'many', 112: 'many', 124: 'few',
    });
  });

  it('has only one and many in English', () => {
    expect([1, 2, 21].map((n) => pluralForm('en', n))).toEqual(['one', 'many', 'many']);
  });
});

describe('daysWording', () => {
  it('says "today" on the due date', () => {
    expect(daysWording(0, 'ru')).toEqual({ key: 'due.today', n: 0 });
  });

  it('counts the days left, and the days overdue as a positive number', () => {
    expect(daysWording(3, 'ru')).toEqual({ key: 'due.left.few', n: 3 });
    expect(daysWording(-21, 'ru')).toEqual({ key: 'due.overdue.one', n: 21 });
    expect(daysWording(-5, 'en')).toEqual({ key: 'due.overdue.many', n: 5 });
  });

  it('only names keys both catalogues hold', () => {
    for (const days of [-25, -22, -1, 0, 1, 3, 11, 40]) {
      for (const locale of ['ru', 'en']) {
        const { key } = daysWording(days, locale);
        expect(key in ru && key in en, `${key} for ${days} in ${locale}`).toBe(true);
      }
    }
  });
});

describe('dueClass', () => {
  it('marks overdue rows first, then rows due within three days', () => {
    expect(dueClass(true, -2)).toBe('overdue');
    expect(dueClass(false, 0)).toBe('soon');
    expect(dueClass(false, 3)).toBe('soon');
    expect(dueClass(false, 4)).toBe('');
  });
});

describe('statusClass and ddmmyyyy', () => {
  it('colours a draft amber, a signed report blue and a sent one green', () => {
    expect(['draft', 'signed', 'sent'].map(statusClass)).toEqual(['warn', 'info', 'ok']);
  });

  it('writes a day as ДД.ММ.ГГГГ with leading zeros', () => {
    expect(ddmmyyyy(new Date(2026, 2, 5))).toBe('05.03.2026');
    expect(ddmmyyyy(new Date(2026, 11, 31))).toBe('31.12.2026');
  });

  it('writes a moment as ДД.ММ.ГГГГ ЧЧ:ММ with leading zeros', () => {
    expect(dayTime(new Date(2026, 2, 5, 7, 4))).toBe('05.03.2026 07:04');
    expect(dayTime(new Date(2026, 11, 31, 23, 59))).toBe('31.12.2026 23:59');
  });
});
