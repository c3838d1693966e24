/**
 * "+ API token": a name, the APIs it reaches, the scopes (those the chosen APIs offer that the owner holds),
 * an expiry, and optionally an external id and metadata for the APIs behind, credits and a rate limit. Posts an ApiTokenInput and hands the CreatedApiToken to the page. What is typed survives an
 * expired session (drafts.ts): it has no secret in it.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { ApiTokenInput, ApiView, CreatedApiToken, SessionView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { CheckboxGroup, Field, TextField } from '../components/fields.js';
import { useKeptDraft } from '../drafts.js';
import { CUSTOM_EXPIRY_HINT, EXPIRY_CHOICES, NEVER_CHOICE, expiresInSeconds } from './token-expiry.js';
import { OwnerDataFields, type OwnerDataValues, parseOwnerData } from './token-owner-data.js';
import { NO_QUOTAS, QuotaFields, type QuotaValues, parseQuotas, quotaDraftFrom } from './token-quotas.js';

/** The admin API's limit (core's checkTokenName). */
const MAX_NAME_LENGTH = 100;
export const TOKEN_DRAFT = 'api-token';

export interface TokenFormValues extends OwnerDataValues, QuotaValues {
  name: string;
  apis: string[];
  scopes: string[];
  expiry: string;
  customDate: string;
}

const EMPTY: TokenFormValues = {
  name: '',
  apis: [],
  scopes: [],
  expiry: '90',
  customDate: '',
  metadata: '',
  externalId: '',
  ...NO_QUOTAS,
};

/** A kept draft as stored, checked field by field (it comes back from Web Storage); undefined if not one. */
export function tokenDraftFrom(value: unknown): TokenFormValues | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, apis, scopes, expiry, customDate, metadata = '', externalId = '' } = value as Record<string, unknown>;
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (typeof name !== 'string' || typeof expiry !== 'string' || typeof customDate !== 'string') return undefined;
  if (!strings(apis) || !strings(scopes)) return undefined;
  // Drafts kept before these two fields existed have neither.
  if (typeof metadata !== 'string' || typeof externalId !== 'string') return undefined;
  const quotas = quotaDraftFrom(value as Record<string, unknown>);
  if (quotas === undefined) return undefined;
  return { name, apis, scopes, expiry, customDate, metadata, externalId, ...quotas };
}

export function offeredScopes(apis: readonly ApiView[], chosen: readonly string[], held: readonly string[]): string[] {
  const offered = new Set(apis.filter((item) => chosen.includes(item.identifier)).flatMap((item) => item.scopes));
  return [...offered].filter((scope) => held.includes(scope)).sort();
}

export function TokenForm(props: {
  session: SessionView;
  apis: readonly ApiView[];
  /** A draft kept when the session expired, to carry on with. */
  draft?: TokenFormValues | undefined;
  onCreated: (created: CreatedApiToken) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<TokenFormValues>(props.draft ?? EMPTY);
  const set = (changes: Partial<TokenFormValues>) => setValues({ ...values, ...changes });
  useKeptDraft(TOKEN_DRAFT, props.session.user.id, () => values);

  const registered = props.apis.map((item) => item.identifier);
  const chosenApis = values.apis.filter((identifier) => registered.includes(identifier));
  const offered = offeredScopes(props.apis, chosenApis, props.session.user.scopes);
  const chosenScopes = values.scopes.filter((scope) => offered.includes(scope));
  const choices = props.session.allowNeverExpiringTokens ? [...EXPIRY_CHOICES, NEVER_CHOICE] : EXPIRY_CHOICES;

  const create = async () => {
    if (chosenApis.length === 0) throw new Error('Choose at least one API.');
    if (chosenScopes.length === 0) throw new Error('Choose at least one scope.');
    const input: ApiTokenInput = {
      name: values.name.trim(),
      apis: chosenApis,
      scopes: chosenScopes,
      expiresInSeconds: expiresInSeconds(values.expiry, values.customDate),
      ...parseOwnerData(values),
      ...parseQuotas(values),
    };
    props.onCreated(await api.post<CreatedApiToken>('/tokens', input));
  };

  return (
    <ActionForm
      class="card form"
      labelledBy="token-form-title"
      submitLabel="Create token"
      // Chosen APIs that offer none of the person's scopes cannot make a token: say so (below) instead of sending.
      submitDisabled={chosenApis.length > 0 && offered.length === 0}
      cancelOnEscape
      onSubmit={create}
      onCancel={props.onCancel}
    >
      <h2 id="token-form-title">New API token</h2>
      {props.draft ? (
        <p class="notice" role="status">
          This is what you had entered before your session expired.
        </p>
      ) : null}
      <TextField
        label="Name"
        value={values.name}
        onInput={(name) => set({ name })}
        required
        maxLength={MAX_NAME_LENGTH}
        autoFocus
        hint="What uses it, e.g. “CI deploys”."
      />
      <CheckboxGroup
        legend="APIs"
        options={registered}
        selected={chosenApis}
        onChange={(apis) => set({ apis })}
        empty={<p class="muted">No APIs are registered yet.</p>}
      />
      <CheckboxGroup
        legend="Scopes"
        options={offered}
        selected={chosenScopes}
        onChange={(scopes) => set({ scopes })}
        empty={
          <p class="muted">
            {chosenApis.length === 0
              ? 'Choose an API first.'
              : 'None of your scopes is offered by these APIs: choose another API to make a token.'}
          </p>
        }
      />
      <Field label="Expires">
        {(id) => (
          <select id={id} value={values.expiry} onChange={(event) => set({ expiry: event.currentTarget.value })}>
            {choices.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {values.expiry === 'custom' ? (
        <TextField
          label="Expiry date"
          type="date"
          value={values.customDate}
          onInput={(customDate) => set({ customDate })}
          required
          hint={CUSTOM_EXPIRY_HINT}
        />
      ) : null}
      <OwnerDataFields values={values} onChange={(owner) => set(owner)} />
      <QuotaFields values={values} onChange={(quotas) => set(quotas)} />
    </ActionForm>
  );
}
