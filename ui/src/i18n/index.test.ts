import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, LOCALES, catalogues, getLocale, setLocale, t } from './index';

describe('i18n', () => {
  afterEach(() => setLocale(DEFAULT_LOCALE));

  it('has the same keys in every catalogue, so no screen falls back to a missing string', () => {
    const reference = Object.keys(catalogues.ru).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(catalogues[locale]).sort(), `keys of ${locale}`).toEqual(reference);
    }
  });

  it('has no empty message, since an empty string would render as a silent gap', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(catalogues[locale])) {
        expect(text.trim(), `${locale}:${key}`).not.toBe('');
      }
    }
  });

  it('starts in Russian, the clinic language', () => {
    expect(getLocale()).toBe('ru');
    expect(t('app.title')).toBe('БТЛП — врачебная комиссия');
  });

  it('switches the text when the language changes, and back', () => {
    setLocale('en');
    expect(t('signin.submit')).toBe('Sign in');
    setLocale('ru');
    expect(t('signin.submit')).toBe('Войти');
  });

  it('fills placeholders from the parameters', () => {
    expect(t('home.greeting', { name: 'Орлов В. А.' })).toBe('Здравствуйте, Орлов В. А.');
  });
});
