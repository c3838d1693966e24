/**
 * A form that sends one request: its fields, then the error if the request failed, then Cancel and the submit
 * button, both off while the request runs.
 */
import type { ComponentChildren } from 'preact';
import { ErrorMessage } from './feedback.js';
import { useAction } from './use-action.js';

export interface ActionFormProps {
  submitLabel: string;
  /** Sends the request; throw an Error (its message is shown) to refuse the input before sending anything. */
  onSubmit: () => Promise<void>;
  onCancel: () => void;
  class?: string;
  labelledBy?: string;
  /** Off while the fields cannot make a request that would succeed; the form says why beside them. */
  submitDisabled?: boolean;
  /** Escape cancels, as it closes a dialog; for forms that open in the page rather than in a dialog. */
  cancelOnEscape?: boolean;
  children: ComponentChildren;
}

export function ActionForm(props: ActionFormProps) {
  const { run, busy, error } = useAction(props.onSubmit);
  const submit = (event: Event) => {
    event.preventDefault();
    void run();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!props.cancelOnEscape || event.key !== 'Escape' || event.defaultPrevented || busy) return;
    event.preventDefault();
    props.onCancel();
  };
  return (
    <form class={props.class ?? 'form'} onSubmit={submit} onKeyDown={onKeyDown} aria-labelledby={props.labelledBy}>
      {props.children}
      <ErrorMessage message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy || props.submitDisabled}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
