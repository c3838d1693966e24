/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert (so focus stays
 * inside), Escape closes it, and focus goes back to what opened it, or to `returnFocus()` when that names an element
 * (what opened it may be on its way out, like the button of a row just deleted).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export interface DialogProps {
  title: string;
  onClose: () => void;
  /** Asked as the dialog closes: where focus goes instead of back to what opened it. */
  returnFocus?: () => HTMLElement | null;
  children: ComponentChildren;
}

export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(props.onClose);
  onCloseRef.current = props.onClose;
  const returnFocusRef = useRef(props.returnFocus);
  returnFocusRef.current = props.returnFocus;
  // What had focus when the dialog was asked for, taken at its first render: by the time effects run (after a paint),
  // another dialog closing may have moved focus elsewhere.
  const openerRef = useRef<HTMLElement | null | undefined>(undefined);
  if (openerRef.current === undefined) {
    openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = openerRef.current ?? null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      // Focus can move only once the dialog is closed: until then the rest of the page is inert.
      if (dialog.open) dialog.close();
      const target = returnFocusRef.current?.() ?? opener;
      if (target?.isConnected) target.focus();
    };
  }, []);

  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
