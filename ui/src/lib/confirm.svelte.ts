// One confirmation for every irreversible step: a screen asks `confirmAction(...)` and waits for the user's
// answer; the single ConfirmDialog in App.svelte shows the request. Resolves true only on the confirm button.
export interface ConfirmRequest {
  title: string;
  /** What will happen, in the user's words, e.g. «Решение № 5/2026 будет принято … Изменить его нельзя». */
  message: string;
  /** A longer text to read first (the decision's text), shown in a scrollable box. */
  detail?: string;
  confirm: string;
}

interface Pending extends ConfirmRequest {
  answer: (yes: boolean) => void;
}

export const confirmState = $state<{ pending: Pending | null }>({ pending: null });

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  // A second request while one is open answers the first with "no": only one question is on screen.
  confirmState.pending?.answer(false);
  return new Promise((resolve) => {
    confirmState.pending = {
      ...request,
      answer: (yes) => {
        confirmState.pending = null;
        resolve(yes);
      },
    };
  });
}
