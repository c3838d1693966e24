/**
 * "+ API token": a name, the APIs it reaches, the scopes (those the chosen APIs offer that the owner holds)
 * and an expiry. Posts an ApiTokenInput and hands the CreatedApiToken to the page.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { ApiTokenInput, ApiView, CreatedApiToken, SessionView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { CheckboxGroup, Field, TextField } from '../components/fields.js';
import { DAY_SECONDS, nowSeconds } from '../format.js';

const EXPIRY_CHOICES: [string, string][] = [
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['custom', 'Custom date…'],
];

/** Seconds from now to the end (23:59:59 local) of the chosen day; null when not a future day. */
function secondsUntilEndOf(date: string): number | null {
  const end = new Date(`${date}T23:59:59`);
  if (Number.isNaN(end.getTime())) return null;
  const seconds = Math.floor(end.getTime() / 1000) - nowSeconds();
  return seconds > 0 ? seconds : null;
}

export function offeredScopes(apis: readonly ApiView[], chosen: readonly string[], held: readonly string[]): string[] {
  const offered = new Set(apis.filter((item) => chosen.includes(item.identifier)).flatMap((item) => item.scopes));
  return [...offered].filter((scope) => held.includes(scope)).sort();
}

export function TokenForm(props: {
  session: SessionView;
  apis: readonly ApiView[];
  onCreated: (created: CreatedApiToken) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [chosenApis, setChosenApis] = useState<string[]>([]);
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('90');
  const [customDate, setCustomDate] = useState('');

  const offered = offeredScopes(props.apis, chosenApis, props.session.user.scopes);
  const choices = props.session.allowNeverExpiringTokens
    ? [...EXPIRY_CHOICES, ['never', 'Never'] as [string, string]]
    : EXPIRY_CHOICES;

  const expiresInSeconds = (): number | null | undefined => {
    if (expiry === 'never') return null;
    if (expiry === 'custom') return secondsUntilEndOf(customDate) ?? undefined;
    return Number(expiry) * DAY_SECONDS;
  };

  const create = async () => {
    if (chosenApis.length === 0) throw new Error('Choose at least one API.');
    const seconds = expiresInSeconds();
    if (seconds === undefined) throw new Error('Choose an expiry date in the future.');
    const input: ApiTokenInput = {
      name: name.trim(),
      apis: chosenApis,
      scopes: scopes.filter((scope) => offered.includes(scope)),
      expiresInSeconds: seconds,
    };
    props.onCreated(await api.post<CreatedApiToken>('/tokens', input));
  };

  return (
    <ActionForm
      class="card form"
      labelledBy="token-form-title"
      submitLabel="Create token"
      onSubmit={create}
      onCancel={props.onCancel}
    >
      <h2 id="token-form-title">New API token</h2>
      <TextField label="Name" value={name} onInput={setName} required hint="What uses it, e.g. “CI deploys”." />
      <CheckboxGroup
        legend="APIs"
        options={props.apis.map((item) => item.identifier)}
        selected={chosenApis}
        onChange={setChosenApis}
        empty={<p class="muted">No APIs are registered yet.</p>}
      />
      <CheckboxGroup
        legend="Scopes"
        options={offered}
        selected={scopes}
        onChange={setScopes}
        empty={
          <p class="muted">
            {chosenApis.length === 0 ? 'Choose an API first.' : 'None of your scopes is offered by these APIs.'}
          </p>
        }
      />
      <Field label="Expires">
        {(id) => (
          <select id={id} value={expiry} onChange={(event) => setExpiry(event.currentTarget.value)}>
            {choices.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {expiry === 'custom' ? (
        <TextField label="Expiry date" type="date" value={customDate} onInput={setCustomDate} required />
      ) : null}
    </ActionForm>
  );
}
