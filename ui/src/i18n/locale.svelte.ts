//! The interface language, held in rune state so every `t(...)` read in a component re-renders on a switch.

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'ru';

const state = $state<{ current: Locale }>({ current: DEFAULT_LOCALE });

export function getLocale(): Locale {
  return state.current;
}

export function setLocale(locale: Locale): void {
  state.current = locale;
}
