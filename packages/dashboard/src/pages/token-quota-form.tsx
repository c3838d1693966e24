/**
 * An admin's "Edit limits" dialog form: a token's credits (remaining and refill) and its own rate limit, with the
 * creation form's fields (token-quotas.tsx). Empty fields remove a quota (unlimited credits, no limit of its own).
 * Only the quota whose fields changed is sent: sending the credits sets what remains, and would undo requests spent
 * since the dialog opened if they were sent unchanged with a new rate limit.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, segment } from '../api/client.js';
import type { ApiTokenInput, ApiTokenView } from '../api/types.js';
import { ActionForm } from '../components/action-form.js';
import { type QuotaErrors, QuotaFields, type QuotaValues, parseQuotas, quotaValues } from './token-quotas.js';

type QuotaChanges = Pick<ApiTokenInput, 'credits' | 'rateLimit'>;

const CREDIT_FIELDS = ['credits', 'refill', 'refillAmount'] as const;
const RATE_LIMIT_FIELDS = ['rateRequests', 'rateWindowSeconds'] as const;

/** The field a refusal is about: the admin API's 400 messages start with the body's field path (api-token-quotas.ts). */
const FIELD_OF_PATH: Readonly<Record<string, keyof QuotaValues>> = {
  credits: 'credits',
  'credits.remaining': 'credits',
  'credits.refill': 'refill',
  'credits.refill.interval': 'refill',
  'credits.refill.amount': 'refillAmount',
  rateLimit: 'rateRequests',
  'rateLimit.requests': 'rateRequests',
  'rateLimit.windowSeconds': 'rateWindowSeconds',
};

export function quotaFieldOf(message: string): keyof QuotaValues | undefined {
  const path = /^[\w.]+/.exec(message)?.[0];
  return path === undefined ? undefined : FIELD_OF_PATH[path];
}

/** The PATCH body: each quota whose fields differ from `before`, null where its fields were emptied. */
export function quotaChanges(before: QuotaValues, after: QuotaValues): QuotaChanges {
  const parsed = parseQuotas(after);
  const changed = (fields: readonly (keyof QuotaValues)[]) => fields.some((field) => before[field] !== after[field]);
  const changes: QuotaChanges = {};
  if (changed(CREDIT_FIELDS)) changes.credits = parsed.credits ?? null;
  if (changed(RATE_LIMIT_FIELDS)) changes.rateLimit = parsed.rateLimit ?? null;
  return changes;
}

export function QuotaForm(props: { token: ApiTokenView; onSaved: () => void; onCancel: () => void }) {
  const [initial] = useState(() => quotaValues(props.token));
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<QuotaErrors>({});

  // Focus goes to the field the server refused, where its message is read out with it (aria-describedby).
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    document.querySelector<HTMLElement>('dialog[open] [aria-invalid="true"]')?.focus();
  }, [errors]);

  const save = async () => {
    setErrors({});
    const changes = quotaChanges(initial, values);
    if (Object.keys(changes).length === 0) return props.onCancel();
    try {
      await api.patch(`/tokens/${segment(props.token.id)}`, changes);
    } catch (caught) {
      const field = caught instanceof ApiError && caught.status === 400 ? quotaFieldOf(caught.message) : undefined;
      if (field === undefined) throw caught;
      setErrors({ [field]: caught instanceof Error ? caught.message : '' });
      return;
    }
    props.onSaved();
  };

  return (
    <ActionForm submitLabel="Save limits" onSubmit={save} onCancel={props.onCancel}>
      <p class="muted">Leave the credits empty for unlimited use, and the rate limit empty for no limit of its own.</p>
      <QuotaFields values={values} onChange={setValues} errors={errors} />
    </ActionForm>
  );
}
