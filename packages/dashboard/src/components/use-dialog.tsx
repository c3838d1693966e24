/**
 * The one modal a page may have open. A row's button opens it with that row's item; the page renders `element`
 * once, after its content. A confirmation closes itself once its request has succeeded. What a dialog is given
 * is fixed when it opens: anything that must stay current while it is open is the dialog's own to load.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useRef, useState } from 'preact/hooks';
import { type ConfirmProps, ConfirmDialog } from './confirm.js';
import { Dialog } from './dialog.js';

export interface ConfirmOptions extends Omit<ConfirmProps, 'onClose' | 'children' | 'returnFocus'> {
  /** What happens if the person confirms. */
  body: ComponentChildren;
  /** Where focus goes once the action has succeeded, when what opened the dialog goes away with it. */
  focusAfter?: () => HTMLElement | null;
}

export interface PageDialog {
  element: ComponentChildren;
  /** A dialog around a form; the form calls `close` when it is done or cancelled. */
  show: (title: string, body: () => ComponentChildren) => void;
  confirm: (options: ConfirmOptions) => void;
  close: () => void;
}

export function useDialog(): PageDialog {
  // Wrapped in an object: a bare function would be taken for a state updater.
  const [open, setOpen] = useState<{ render: () => ComponentChildren } | null>(null);
  const close = useCallback(() => setOpen(null), []);
  // Set by a confirmation that succeeded, read by its dialog as it closes.
  const focusAfter = useRef<(() => HTMLElement | null) | null>(null);
  const show = (title: string, body: () => ComponentChildren) =>
    setOpen({
      render: () => (
        <Dialog title={title} onClose={close}>
          {body()}
        </Dialog>
      ),
    });
  const confirm = ({ onConfirm, body, focusAfter: focusTarget, ...options }: ConfirmOptions) => {
    focusAfter.current = null;
    setOpen({
      render: () => (
        <ConfirmDialog
          {...options}
          onClose={close}
          returnFocus={() => focusAfter.current?.() ?? null}
          onConfirm={async () => {
            await onConfirm();
            focusAfter.current = focusTarget ?? null;
            close();
          }}
        >
          {body}
        </ConfirmDialog>
      ),
    });
  };
  return { element: open ? open.render() : null, show, confirm, close };
}
