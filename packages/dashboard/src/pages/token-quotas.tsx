/**
 * A token's quotas in the dashboard: credits (with an optional daily or monthly refill) and its own rate limit, as
 * form fields at creation and in an admin's "Edit limits" dialog (token-quota-form.tsx), and shown beside the usage
 * chart (what remains, and when it is next refilled). The values' bounds are the server's (core's
 * api-token-quotas.ts): it names the one a form breaks.
 */
import type { ApiTokenInput, ApiTokenView } from '../api/types.js';
import { Field, TextField } from '../components/fields.js';
import { formatTime } from '../format.js';

export interface QuotaValues {
  /** Whole numbers as typed; empty for none. */
  credits: string;
  refill: '' | 'day' | 'month';
  refillAmount: string;
  rateRequests: string;
  rateWindowSeconds: string;
}

export const NO_QUOTAS: QuotaValues = {
  credits: '',
  refill: '',
  refillAmount: '',
  rateRequests: '',
  rateWindowSeconds: '',
};

/** What the server said is wrong, by field. */
export type QuotaErrors = Partial<Record<keyof QuotaValues, string>>;

/** A token's quotas as form fields, to edit them. */
export function quotaValues(token: ApiTokenView): QuotaValues {
  const { credits, rateLimit } = token;
  return {
    credits: credits === null ? '' : String(credits.remaining),
    refill: credits?.refill?.interval ?? '',
    refillAmount: credits?.refill ? String(credits.refill.amount) : '',
    rateRequests: rateLimit === null ? '' : String(rateLimit.requests),
    rateWindowSeconds: rateLimit === null ? '' : String(rateLimit.windowSeconds),
  };
}

/** A kept draft's quota fields; drafts kept before these fields existed have none. */
export function quotaDraftFrom(value: Record<string, unknown>): QuotaValues | undefined {
  const draft = { ...NO_QUOTAS, ...value };
  const { credits, refill, refillAmount, rateRequests, rateWindowSeconds } = draft;
  const texts = [credits, refillAmount, rateRequests, rateWindowSeconds];
  if (!texts.every((text) => typeof text === 'string')) return undefined;
  if (refill !== '' && refill !== 'day' && refill !== 'month') return undefined;
  return draft as QuotaValues;
}

function whole(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`${what} must be a whole number.`);
  return Number(text.trim());
}

/** The fields as the admin API takes them; throws (shown by the form) for text that is not a whole number. */
export function parseQuotas(values: QuotaValues): Pick<ApiTokenInput, 'credits' | 'rateLimit'> {
  const quotas: Pick<ApiTokenInput, 'credits' | 'rateLimit'> = {};
  if (values.credits.trim() !== '' || values.refill !== '') {
    // A refill without credits goes to the server as it is: it says why it refuses it.
    const remaining = values.credits.trim() === '' ? undefined : whole(values.credits, 'Credits');
    const refill =
      values.refill === ''
        ? null
        : { amount: whole(values.refillAmount, 'The refill amount'), interval: values.refill };
    quotas.credits = { remaining, refill };
  }
  if (values.rateRequests.trim() !== '' || values.rateWindowSeconds.trim() !== '') {
    quotas.rateLimit = {
      requests: whole(values.rateRequests, 'Rate limit requests'),
      windowSeconds: whole(values.rateWindowSeconds, 'Rate limit window'),
    };
  }
  return quotas;
}

/** The number fields of the form, in order; the refill amount only shows with a refill. */
const NUMBER_FIELDS: readonly {
  key: Exclude<keyof QuotaValues, 'refill'>;
  label: string;
  min: string;
  hint?: string;
}[] = [
  {
    key: 'credits',
    label: 'Credits (optional)',
    min: '0',
    hint: "Each request spends its route's cost (1 unless configured). Empty: unlimited.",
  },
  { key: 'refillAmount', label: 'Refill to', min: '1', hint: 'The credits are set back to this many at each refill.' },
  {
    key: 'rateRequests',
    label: 'Rate limit: requests (optional)',
    min: '1',
    hint: "The token's own limit, in place of the API's per-token one.",
  },
  { key: 'rateWindowSeconds', label: 'Rate limit: window in seconds', min: '1' },
];

export function QuotaFields(props: {
  values: QuotaValues;
  onChange: (values: QuotaValues) => void;
  errors?: QuotaErrors;
}) {
  const { values, errors = {} } = props;
  const set = (changes: Partial<QuotaValues>) => props.onChange({ ...values, ...changes });
  const numberField = (field: (typeof NUMBER_FIELDS)[number]) => (
    <TextField
      key={field.key}
      label={field.label}
      type="number"
      min={field.min}
      value={values[field.key]}
      onInput={(text) => set({ [field.key]: text })}
      required={field.key === 'refillAmount'}
      error={errors[field.key]}
      {...(field.hint === undefined ? {} : { hint: field.hint })}
    />
  );
  const [credits, refillAmount, ...rateLimit] = NUMBER_FIELDS;
  return (
    <>
      {credits ? numberField(credits) : null}
      <Field label="Refill" error={errors.refill}>
        {(id, describedBy) => (
          <select
            id={id}
            aria-describedby={describedBy}
            aria-invalid={errors.refill ? true : undefined}
            value={values.refill}
            onChange={(event) => set({ refill: event.currentTarget.value as QuotaValues['refill'] })}
          >
            <option value="">Never</option>
            <option value="day">Every day (UTC midnight)</option>
            <option value="month">Every month (the 1st, UTC)</option>
          </select>
        )}
      </Field>
      {values.refill === '' || !refillAmount ? null : numberField(refillAmount)}
      {rateLimit.map(numberField)}
    </>
  );
}

/**
 * Beside the usage chart: the credits left and the next refill, and the token's own rate limit. `onEdit` (given to
 * admins only: the server lets no one else change a quota) adds the control that opens the edit dialog.
 */
export function QuotaSummary(props: { token: ApiTokenView; onEdit?: (() => void) | undefined }) {
  const { credits, rateLimit } = props.token;
  return (
    <section aria-label="Quotas">
      <dl class="quota-summary">
        <dt>Credits</dt>
        <dd>{credits === null ? 'Unlimited' : `${credits.remaining.toLocaleString('en')} left`}</dd>
        {credits?.refill && credits.refillsAt !== null ? (
          <>
            <dt>Next refill</dt>
            <dd>
              {formatTime(credits.refillsAt)}, to {credits.refill.amount.toLocaleString('en')} (every{' '}
              {credits.refill.interval})
            </dd>
          </>
        ) : null}
        <dt>Rate limit</dt>
        <dd>
          {rateLimit === null
            ? 'None of its own'
            : `${rateLimit.requests.toLocaleString('en')} requests per ${rateLimit.windowSeconds.toLocaleString('en')} s`}
        </dd>
      </dl>
      {props.onEdit ? (
        <button
          type="button"
          class="secondary"
          aria-label={`Edit limits of ${props.token.name}`}
          onClick={props.onEdit}
        >
          Edit limits
        </button>
      ) : null}
    </section>
  );
}
