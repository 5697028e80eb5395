import { describe, expect, it } from 'vitest';
import { FormState } from './form.svelte';

const refusal = { kind: 'refused', code: 'refused.decision_used', message: 'Одно решение — одно применение', field: null };
const invalid = { kind: 'invalid', code: 'invalid.password_too_short', message: 'Пароль короче 8 символов', field: 'password' };

describe('FormState', () => {
  it('clears a field’s error once that field is changed, and only that one', async () => {
    const { changed } = await import('./form.svelte');
    const form = new FormState();
    form.fields = { snils: 'неверная контрольная сумма СНИЛС', birth_date: 'дата пишется как ДД.ММ.ГГГГ' };
    changed('snils', 'patient-snils');
    expect(form.fields, 'the changed field’s message goes, the other stays').toEqual({ birth_date: 'дата пишется как ДД.ММ.ГГГГ' });
  });

  it('puts a field error beside the field, under the form’s own name for it', () => {
    const form = new FormState({ password: 'admin_password' });
    form.fail(invalid, 'fallback');
    expect(form.fields, 'the core says "password"; the set-up form calls it admin_password').toEqual({
      admin_password: 'Пароль короче 8 символов',
    });
    expect(form.general).toBeNull();
  });

  it('shows a refusal without a field above the form, never as raw text', async () => {
    const form = new FormState();
    const ok = await form.run(() => Promise.reject(refusal), 'fallback');
    expect(ok, 'a refused action reports failure to the caller').toBe(false);
    expect(form.general).toBe('Одно решение — одно применение');
    expect(form.busy, 'the form is usable again after a failure').toBe(false);
  });

  it('replaces an unexpected failure (not an IpcError) with the translated fallback', async () => {
    const form = new FormState();
    const quiet = console.error;
    console.error = () => undefined;
    await form.run(() => Promise.reject(new TypeError('ipc channel closed')), 'Не удалось выполнить действие');
    console.error = quiet;
    expect(form.general, 'runtime text must not reach the user').toBe('Не удалось выполнить действие');
  });
});
