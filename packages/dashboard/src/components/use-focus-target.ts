/**
 * Where focus goes when what a keyboard user was on goes away (a form closed, a panel dismissed, a row removed):
 * left alone it drops to <body>, and the next Tab starts again from the top of the page.
 */
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface FocusTarget<T extends HTMLElement> {
  ref: RefObject<T | null>;
  /**
   * Focuses the element after the next render, when the element it replaces is gone; it also comes after a closing
   * dialog has given focus back to its opener, which may be about to go too.
   */
  focusSoon: () => void;
}

export function useFocusTarget<T extends HTMLElement>(): FocusTarget<T> {
  const ref = useRef<T>(null);
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (requests > 0) ref.current?.focus();
  }, [requests]);
  return { ref, focusSoon: () => setRequests((count) => count + 1) };
}
