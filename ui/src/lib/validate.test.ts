import { describe, expect, it } from 'vitest';
import { date, dateTime, icd, minLength, parseDate, required, snils, validate } from './validate';

describe('form checks', () => {
  it('accepts a СНИЛС with a correct checksum and rejects a wrong one', () => {
    expect(snils('112-233-445 95'), 'a valid СНИЛС must pass').toBeNull();
    expect(snils('112-233-445 96'), 'one wrong check digit must be caught').toBe('check.snilsChecksum');
    expect(snils('112-233-445'), 'nine digits are not a СНИЛС').toBe('check.snilsFormat');
    expect(snils(''), 'an empty optional СНИЛС is left to the required check').toBeNull();
  });

  it('reads dates as ДД.ММ.ГГГГ and refuses impossible days', () => {
    expect(parseDate('29.02.2024')?.getUTCDate()).toBe(29);
    expect(date('29.02.2025'), '2025 is not a leap year').toBe('check.date');
    expect(date('2025-02-01'), 'ISO dates are not the Russian format the form asks for').toBe('check.date');
    expect(dateTime('01.12.2026 09:30')).toBeNull();
    expect(dateTime('01.12.2026 24:00')).toBe('check.dateTime');
  });

  it('checks МКБ-10 codes by shape', () => {
    expect(icd('C83.3')).toBeNull();
    expect(icd('C833')).toBe('check.icd');
  });

  it('reports the first failing check per field and nothing for valid fields', () => {
    const errors = validate(
      { login: '', password: 'short', snils: '112-233-445 95' },
      { login: [required], password: [required, minLength(10)], snils: [snils] },
    );
    expect(errors).toEqual({ login: 'check.required', password: 'check.passwordShort' });
  });
});
