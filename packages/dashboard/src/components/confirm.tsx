/** "Are you sure?" for anything that cannot be undone; shows the server's error if the action fails. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { messageOf } from '../api/client.js';
import { Dialog } from './dialog.js';
import { ErrorMessage } from './feedback.js';

export interface ConfirmProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog(props: ConfirmProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div class="dialog-body">{props.children}</div>
      <ErrorMessage message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={confirm} disabled={busy}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
