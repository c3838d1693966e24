/**
 * What a token carries for the API behind it, its metadata and external id: the two form fields (creation and the
 * Details dialog), how a row shows them, and the grace period a regeneration may give the old secret.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api/client.js';
import type { ApiTokenView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { TextField } from '../components/fields.js';
import { formatTime } from '../format.js';

/** The admin API's limit on external ids (core's api-token-metadata.ts; it checks the rest). */
const MAX_EXTERNAL_ID_LENGTH = 128;

export interface OwnerDataValues {
  /** JSON text; empty for none. */
  metadata: string;
  externalId: string;
}

export function ownerDataValues(token: ApiTokenView | undefined): OwnerDataValues {
  if (token === undefined) return { metadata: '', externalId: '' };
  const metadata = Object.keys(token.metadata).length === 0 ? '' : JSON.stringify(token.metadata);
  return { metadata, externalId: token.externalId ?? '' };
}

/** The fields as the admin API takes them; throws (shown by the form) for metadata that is not a JSON object. */
export function parseOwnerData(values: OwnerDataValues): {
  metadata: Record<string, string | number | boolean>;
  externalId: string | null;
} {
  const text = values.metadata.trim();
  let metadata: unknown = {};
  if (text !== '') {
    try {
      metadata = JSON.parse(text);
    } catch {
      throw new Error('Metadata must be a JSON object, such as {"plan": "pro"}.');
    }
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new Error('Metadata must be a JSON object, such as {"plan": "pro"}.');
  }
  const externalId = values.externalId.trim();
  return { metadata: metadata as Record<string, string | number | boolean>, externalId: externalId || null };
}

export function OwnerDataFields(props: { values: OwnerDataValues; onChange: (values: OwnerDataValues) => void }) {
  const { values } = props;
  return (
    <>
      <TextField
        label="External id (optional)"
        value={values.externalId}
        onInput={(externalId) => props.onChange({ ...values, externalId })}
        maxLength={MAX_EXTERNAL_ID_LENGTH}
        hint="Your id for whoever the token is for, e.g. a customer id. APIs behind Tollgate receive it."
      />
      <TextField
        label="Metadata (optional)"
        value={values.metadata}
        onInput={(metadata) => props.onChange({ ...values, metadata })}
        hint='A JSON object APIs behind Tollgate receive, e.g. {"plan": "pro"}: at most 20 keys, 1 KiB.'
      />
    </>
  );
}

/** The Details dialog's form: changes metadata and external id with PATCH. */
export function OwnerDataForm(props: { token: ApiTokenView; onSaved: () => void; onCancel: () => void }) {
  const [values, setValues] = useState(() => ownerDataValues(props.token));
  const save = async () => {
    await api.patch(`/tokens/${segment(props.token.id)}`, parseOwnerData(values));
    props.onSaved();
  };
  return (
    <ActionForm submitLabel="Save" onSubmit={save} onCancel={props.onCancel}>
      <OwnerDataFields values={values} onChange={setValues} />
    </ActionForm>
  );
}

/** Under the token's name in its row: external id and metadata, when it has them. */
export function OwnerDataSummary(props: { token: ApiTokenView }) {
  const { token } = props;
  const hasMetadata = Object.keys(token.metadata).length > 0;
  if (token.externalId === null && !hasMetadata) return null;
  return (
    <div class="muted">
      {token.externalId === null ? null : <div>External id: {token.externalId}</div>}
      {hasMetadata ? <div class="mono">{JSON.stringify(token.metadata)}</div> : null}
    </div>
  );
}

/** In the Expires cell while a regeneration's old secret still works. */
export function PreviousSecretNote(props: { token: ApiTokenView }) {
  const until = props.token.previousSecretExpiresAt;
  if (until === null) return null;
  return <div class="muted">Old secret works until {formatTime(until)}</div>;
}

/** The regeneration dialog's choice: how long the old secret keeps working (the admin API allows 7 days at most). */
export const GRACE_CHOICES: readonly (readonly [seconds: number, label: string])[] = [
  [0, 'No, it stops at once'],
  [3_600, '1 hour'],
  [86_400, '1 day'],
  [7 * 86_400, '7 days'],
];
