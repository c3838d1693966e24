/** "Are you sure?" for anything that cannot be undone; shows the server's error if the action fails. */
import type { ComponentChildren } from 'preact';
import { Dialog } from './dialog.js';
import { ErrorMessage } from './feedback.js';
import { useAction } from './use-action.js';

export interface ConfirmProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null;
}

export function ConfirmDialog(props: ConfirmProps) {
  const { run, busy, error } = useAction(props.onConfirm);
  return (
    <Dialog title={props.title} onClose={props.onClose} returnFocus={props.returnFocus}>
      <div class="dialog-body">{props.children}</div>
      <ErrorMessage message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={() => run()} disabled={busy}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
