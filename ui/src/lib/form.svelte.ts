// A form's errors and busy flag. Client checks fill `fields` with catalogue keys translated by the caller;
// a server error lands beside the field the core named (through `aliases` when the form's field has another
// name) or, with no field, above the form.
import { asIpcError } from './api';

// Every form's state, so that a control being changed clears its own error wherever it is shown (see Field).
const forms = new Set<WeakRef<FormState>>();

/** A control named `names` (its core field name and its id) was changed: its error, if any, is gone. */
export function changed(...names: string[]): void {
  for (const ref of forms) {
    const form = ref.deref();
    if (!form) {
      forms.delete(ref);
      continue;
    }
    if (names.some((n) => n in form.fields)) {
      form.fields = Object.fromEntries(Object.entries(form.fields).filter(([k]) => !names.includes(k)));
    }
  }
}

export class FormState {
  fields = $state<Record<string, string>>({});
  general = $state<string | null>(null);
  busy = $state(false);

  constructor(public aliases: Record<string, string> = {}) {
    forms.add(new WeakRef(this));
  }

  clear(): void {
    this.fields = {};
    this.general = null;
  }

  fail(e: unknown, fallback: string): void {
    const err = asIpcError(e, fallback);
    // The session ended elsewhere (the clinic server's idle expiry, a restart): back to the sign-in form, which
    // says why. Loaded on demand: the session module needs the window.
    if (err.code === 'auth.signed_out') void import('./session.svelte').then((m) => m.signOut(true));
    const field = err.field ? (this.aliases[err.field] ?? err.field) : null;
    // A field this form does not show (e.g. a rule about the composition's seats) is reported above it.
    const shown =
      field !== null &&
      (typeof document === 'undefined' ||
        document.querySelector(`[data-field="${field}"]`) !== null ||
        document.getElementById(field) !== null);
    if (field && shown) this.fields = { ...this.fields, [field]: err.message };
    else this.general = err.message;
  }

  /** Runs `work` with the busy flag set and errors routed; returns whether it succeeded. */
  async run(work: () => Promise<unknown>, fallback: string): Promise<boolean> {
    this.busy = true;
    this.general = null;
    try {
      await work();
      return true;
    } catch (e) {
      this.fail(e, fallback);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
