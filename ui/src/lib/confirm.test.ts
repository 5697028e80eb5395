import { describe, expect, it } from 'vitest';
import { confirmAction, confirmState } from './confirm.svelte';

const request = { title: 'Принять решение', message: 'Решение № 5/2026 будет принято', confirm: 'Принять' };

describe('confirmAction', () => {
  it('goes ahead only when the user presses the confirm button', async () => {
    const answer = confirmAction(request);
    expect(confirmState.pending?.message, 'the dialog shows what will happen').toBe(request.message);
    confirmState.pending?.answer(true);
    expect(await answer, 'confirm means yes').toBe(true);
    expect(confirmState.pending, 'the dialog closes').toBeNull();
  });

  it('treats cancel as no', async () => {
    const answer = confirmAction(request);
    confirmState.pending?.answer(false);
    expect(await answer, 'cancel must never run the irreversible step').toBe(false);
  });

  it('answers an open question with no when another one replaces it', async () => {
    const first = confirmAction(request);
    const second = confirmAction({ ...request, message: 'Заседание будет закрыто' });
    expect(await first, 'a question the user never answered must not count as yes').toBe(false);
    expect(confirmState.pending?.message).toBe('Заседание будет закрыто');
    confirmState.pending?.answer(true);
    expect(await second).toBe(true);
  });

  it('ignores a late answer to a question already replaced', async () => {
    const first = confirmAction(request);
    const stale = confirmState.pending;
    const second = confirmAction({ ...request, message: 'Серия будет утилизирована' });
    stale?.answer(true);
    expect(await first, 'the replaced question stays answered no').toBe(false);
    expect(confirmState.pending?.message, 'the newer question stays on screen').toBe('Серия будет утилизирована');
    confirmState.pending?.answer(false);
    expect(await second).toBe(false);
  });
});
