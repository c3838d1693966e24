/**
 * Runs one request for a form or a button: `busy` while it runs (so it is not sent twice) and the message for
 * people when it fails. A check made before the request fails the same way, by throwing an Error.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/client.js';

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: string | null;
}

export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const focused = useRef<Element | null>(null);

  // Disabling the focused button while busy drops focus to <body>; once it is enabled again, give it back,
  // so a keyboard user stays where they were after an error.
  useEffect(() => {
    if (busy) return;
    const element = focused.current;
    focused.current = null;
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (lost && element instanceof HTMLElement && element.isConnected) element.focus();
  }, [busy]);

  const run = async (...args: A) => {
    focused.current = document.activeElement;
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}
