// Typed access to the message catalogues. Keys come from the Russian catalogue (the default language), so a
// key missing from `ru.json` is a type error at the call site, and a key missing from `en.json` is a type
// error here.
import en from './en.json';
import ru from './ru.json';
import { getLocale, type Locale } from './locale.svelte';

export { DEFAULT_LOCALE, LOCALES, getLocale, setLocale, type Locale } from './locale.svelte';

export type MessageKey = keyof typeof ru;
export type Catalogue = Record<MessageKey, string>;

export const catalogues: Record<Locale, Catalogue> = { ru, en };

/** The message for `key` in the current language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  let text = catalogues[getLocale()][key];
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}
