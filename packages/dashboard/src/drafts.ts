/**
 * A half-filled form outlives an expired session. When the API answers 401, the open form's values go to
 * sessionStorage (this tab only, gone when it closes); the same person's next sign-in in this tab takes them back,
 * and anyone else's throws them away. Only forms without secrets keep drafts, and a draft exists only between a
 * lost session and the next sign-in: Web Storage holds nothing the rest of the time.
 */
import { useEffect, useRef } from 'preact/hooks';

const STORAGE_KEY = 'tollgate:draft';

interface Draft {
  form: string;
  userId: string;
  values: unknown;
}

interface OpenForm {
  form: string;
  userId: string;
  values: () => unknown;
}

/** At most one form is open at a time on any page. */
let openForm: OpenForm | null = null;

/** While the calling form is mounted: what to keep of it if the session ends now. */
export function useKeptDraft(form: string, userId: string, values: () => unknown): void {
  const latest = useRef(values);
  latest.current = values;
  useEffect(() => {
    const entry: OpenForm = { form, userId, values: () => latest.current() };
    openForm = entry;
    return () => {
      if (openForm === entry) openForm = null;
    };
  }, [form, userId]);
}

/** The session is gone: keeps the open form's values for the next sign-in. */
export function keepOpenDraft(): void {
  if (openForm === null) return;
  const draft: Draft = { form: openForm.form, userId: openForm.userId, values: openForm.values() };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
  } catch {
    // Storage full or turned off: the form is lost, as it was before drafts.
  }
}

/** Removes the kept draft and returns its values if it is this person's draft of `form`. */
export function takeDraft(form: string, userId: string): unknown {
  let text: string | null = null;
  try {
    text = sessionStorage.getItem(STORAGE_KEY);
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    return undefined;
  }
  if (text === null) return undefined;
  try {
    const draft = JSON.parse(text) as Partial<Draft>;
    return draft.form === form && draft.userId === userId ? draft.values : undefined;
  } catch {
    return undefined;
  }
}

/** Signing out on purpose leaves nothing behind. */
export function discardDraft(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing could have been kept either.
  }
}
