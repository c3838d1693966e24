/** Labelled form controls: every input has a real <label>, every group a <fieldset> with a <legend>. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function Field(props: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint ? <small class="muted">{props.hint}</small> : null}
    </div>
  );
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
}) {
  return (
    <Field label={props.label} {...(props.hint ? { hint: props.hint } : {})}>
      {(id) => (
        <input
          id={id}
          // Preact types `type` as a discriminated union; every value here takes `min`, `required` and text.
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          required={props.required}
          autocomplete={props.autoComplete}
          min={props.min}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
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
}) {
  const toggle = (option: string, checked: boolean) => {
    const next = checked ? [...props.selected, option] : props.selected.filter((value) => value !== option);
    props.onChange(props.options.filter((value) => next.includes(value)));
  };
  return (
    <fieldset class="field">
      <legend>{props.legend}</legend>
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
