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
  /** Tells questions apart (the state holds a reactive proxy of the object, never the object itself). */
  id: number;
  answer: (yes: boolean) => void;
}

let asked = 0;

export const confirmState = $state<{ pending: Pending | null }>({ pending: null });

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  // A second request while one is open answers the first with "no": only one question is on screen.
  confirmState.pending?.answer(false);
  return new Promise((resolve) => {
    let answered = false;
    const id = ++asked;
    confirmState.pending = {
      ...request,
      id,
      // Answers once; a late answer to a question already replaced leaves the newer one on screen.
      answer: (yes) => {
        if (answered) return;
        answered = true;
        if (confirmState.pending?.id === id) confirmState.pending = null;
        resolve(yes);
      },
    };
  });
}
