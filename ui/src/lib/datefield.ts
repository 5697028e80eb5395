// A date field written ДД.ММ.ГГГГ: typing digits puts the dots in (typing them yourself works too, and an
// ISO date pasted as it is stays as it is), and a calendar button beside it fills the field with the day
// picked. The core still reads and checks the value; this only spares keystrokes.
import { t, type MessageKey } from '../i18n';

/** The masked value of `typed`, given the value before (dots are added only while typing forward). */
export function masked(typed: string, before: string): string {
  if (!/^[\d.]*$/.test(typed)) return typed; // 2026-12-01, a time, a word: left to the core
  const digits = typed.replace(/\D/g, '').slice(0, 8);
  let out = digits.slice(0, 2);
  if (digits.length > 2) out += `.${digits.slice(2, 4)}`;
  if (digits.length > 4) out += `.${digits.slice(4)}`;
  const forward = typed.length > before.length;
  if (forward && (digits.length === 2 || digits.length === 4)) out += '.';
  return out;
}

/** The days of `month` (0–11) of `year` as a calendar's weeks, Monday first; 0 for the blanks. */
export function weeks(year: number, month: number): number[][] {
  const first = (new Date(year, month, 1).getDay() + 6) % 7;
  const days = new Date(year, month + 1, 0).getDate();
  const cells = [...Array(first).fill(0), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(0);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

const pad = (n: number) => String(n).padStart(2, '0');

export function dateField(input: HTMLInputElement) {
  let before = input.value;
  let busy = false;
  const set = (value: string) => {
    input.value = value;
    before = value;
    busy = true;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    busy = false;
  };
  const onInput = () => {
    if (busy) return;
    const next = masked(input.value, before);
    if (next !== input.value) set(next);
    else before = next;
  };
  input.addEventListener('input', onInput);
  input.inputMode = 'numeric';

  // The calendar: the webview of the desktop app has no date picker of its own, so the app draws one.
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'date-pick';
  button.textContent = '▦';
  button.title = t('date.pick');
  button.setAttribute('aria-label', t('date.pick'));
  const popup = document.createElement('div');
  popup.className = 'date-popup';
  popup.hidden = true;
  let shown = new Date();
  const draw = () => {
    popup.replaceChildren();
    const head = document.createElement('div');
    head.className = 'date-head';
    const nav = (label: string, step: number) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.onclick = () => {
        shown = new Date(shown.getFullYear(), shown.getMonth() + step, 1);
        draw();
      };
      return b;
    };
    const title = document.createElement('span');
    title.textContent = `${t(`month.${shown.getMonth() + 1}` as MessageKey)} ${shown.getFullYear()}`;
    head.append(nav('‹', -1), title, nav('›', 1));
    popup.append(head);
    for (const week of weeks(shown.getFullYear(), shown.getMonth())) {
      const row = document.createElement('div');
      row.className = 'date-week';
      for (const day of week) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = day ? String(day) : '';
        b.disabled = !day;
        b.onclick = () => {
          set(`${pad(day)}.${pad(shown.getMonth() + 1)}.${shown.getFullYear()}`);
          popup.hidden = true;
          input.focus();
        };
        row.append(b);
      }
      popup.append(row);
    }
  };
  button.onclick = () => {
    const [d, m, y] = input.value.split('.').map(Number);
    shown = y && m && d ? new Date(y, m - 1, 1) : new Date();
    draw();
    popup.hidden = !popup.hidden;
  };
  input.insertAdjacentElement('afterend', button);
  button.insertAdjacentElement('afterend', popup);
  return {
    destroy() {
      input.removeEventListener('input', onInput);
      button.remove();
      popup.remove();
    },
  };
}
