/**
 * A token's quotas in the dashboard: credits (with an optional daily or monthly refill) and its own rate limit, as
 * form fields at creation, and shown beside the usage chart (what remains, and when it is next refilled). The values'
 * bounds are the server's (core's api-token-quotas.ts): it names the one a form breaks.
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

export function QuotaFields(props: { values: QuotaValues; onChange: (values: QuotaValues) => void }) {
  const { values } = props;
  const set = (changes: Partial<QuotaValues>) => props.onChange({ ...values, ...changes });
  return (
    <>
      <TextField
        label="Credits (optional)"
        type="number"
        min="0"
        value={values.credits}
        onInput={(credits) => set({ credits })}
        hint="Each request spends its route's cost (1 unless configured). Empty: unlimited."
      />
      <Field label="Refill">
        {(id) => (
          <select
            id={id}
            value={values.refill}
            onChange={(event) => set({ refill: event.currentTarget.value as QuotaValues['refill'] })}
          >
            <option value="">Never</option>
            <option value="day">Every day (UTC midnight)</option>
            <option value="month">Every month (the 1st, UTC)</option>
          </select>
        )}
      </Field>
      {values.refill === '' ? null : (
        <TextField
          label="Refill to"
          type="number"
          min="1"
          value={values.refillAmount}
          onInput={(refillAmount) => set({ refillAmount })}
          required
          hint="The credits are set back to this many at each refill."
        />
      )}
      <TextField
        label="Rate limit: requests (optional)"
        type="number"
        min="1"
        value={values.rateRequests}
        onInput={(rateRequests) => set({ rateRequests })}
        hint="The token's own limit, in place of the API's per-token one."
      />
      <TextField
        label="Rate limit: window in seconds"
        type="number"
        min="1"
        value={values.rateWindowSeconds}
        onInput={(rateWindowSeconds) => set({ rateWindowSeconds })}
      />
    </>
  );
}

/** Beside the usage chart: the credits left and the next refill, and the token's own rate limit. */
export function QuotaSummary(props: { token: ApiTokenView }) {
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
        {rateLimit === null ? null : (
          <>
            <dt>Rate limit</dt>
            <dd>
              {rateLimit.requests} requests per {rateLimit.windowSeconds} s
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
