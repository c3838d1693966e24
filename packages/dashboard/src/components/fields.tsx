/** Labelled form controls: every input has a real <label>, every group a <fieldset> with a <legend>. */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/**
 * A control's id, and what describes it for `aria-describedby`: its hint and its error (undefined with neither). The
 * error is the server's refusal of this field's value, shown beside it rather than under the whole form.
 */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string | null | undefined;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint ? (
        <small id={hintId} class="muted">
          {props.hint}
        </small>
      ) : null}
      <FieldError id={errorId} message={props.error} />
    </div>
  );
}

function FieldError(props: { id: string | undefined; message: string | null | undefined }) {
  if (!props.message) return null;
  return (
    <small id={props.id} class="field-error">
      {props.message}
    </small>
  );
}

/** From this many characters left, the count is also said to screen readers (not on every keystroke before). */
const ANNOUNCE_WITHIN = 10;

/** "12/100" under a field with a length limit, so the limit is known while typing rather than after sending. */
function CharacterCount(props: { used: number; max: number }) {
  const left = props.max - props.used;
  return (
    <>
      <small class="muted counter" aria-hidden="true">
        {props.used}/{props.max}
      </small>
      <span class="visually-hidden" role="status">
        {left <= ANNOUNCE_WITHIN ? `${left} character${left === 1 ? '' : 's'} left` : ''}
      </span>
    </>
  );
}

/** A required password: `current-password` to sign in, `new-password` where one is chosen (so managers offer one). */
export function PasswordField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
}) {
  return <TextField {...props} type="password" required />;
}

export function TextField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password' | 'url' | 'number' | 'date';
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  min?: string;
  /** The browser stops typing at this many characters (UTF-16 units, as the server counts). */
  maxLength?: number;
  /** Focused when it appears: the first field of a form that opened in the page, or of the sign-in page. */
  autoFocus?: boolean;
  /** Why the server refused the value, shown beside the field (which is then marked invalid). */
  error?: string | null | undefined;
}) {
  const input = useRef<HTMLInputElement>(null);
  // The autofocus attribute only acts when a document loads; a field that appears later is focused by hand.
  useEffect(() => {
    if (props.autoFocus) input.current?.focus();
  }, []);
  return (
    <Field label={props.label} error={props.error} {...(props.hint ? { hint: props.hint } : {})}>
      {(id, describedBy) => (
        <>
          <input
            ref={input}
            id={id}
            // Preact types `type` as a discriminated union; every value here takes `min`, `required` and text.
            type={(props.type ?? 'text') as 'text'}
            value={props.value}
            required={props.required}
            autocomplete={props.autoComplete}
            min={props.min}
            maxLength={props.maxLength}
            aria-describedby={describedBy}
            aria-invalid={props.error ? true : undefined}
            onInput={(event) => props.onInput(event.currentTarget.value)}
          />
          {props.maxLength === undefined ? null : <CharacterCount used={props.value.length} max={props.maxLength} />}
        </>
      )}
    </Field>
  );
}

export function CheckboxField(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}

/** A set of checkboxes for choosing some of `options`. */
export function CheckboxGroup(props: {
  legend: string;
  options: readonly string[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  empty?: ComponentChildren;
  /** Why the choice was refused, shown under the legend and read with the group. */
  error?: string | null | undefined;
}) {
  const errorId = `${useId()}-error`;
  const toggle = (option: string, checked: boolean) => {
    const next = checked ? [...props.selected, option] : props.selected.filter((value) => value !== option);
    props.onChange(props.options.filter((value) => next.includes(value)));
  };
  return (
    <fieldset
      class={props.error ? 'field field-invalid' : 'field'}
      aria-describedby={props.error ? errorId : undefined}
    >
      <legend>{props.legend}</legend>
      <FieldError id={errorId} message={props.error} />
      {props.options.length === 0 ? (props.empty ?? <p class="muted">None available.</p>) : null}
      {props.options.map((option) => (
        <CheckboxField
          key={option}
          label={option}
          checked={props.selected.includes(option)}
          onChange={(checked) => toggle(option, checked)}
        />
      ))}
    </fieldset>
  );
}

/** Scopes as typed: space-separated text, read with parseScopes() on submit. */
export function ScopesField(props: { value: string; onInput: (value: string) => void }) {
  return <TextField label="Scopes" value={props.value} onInput={props.onInput} hint="Separated by spaces." />;
}
