/** Row mapping of an API token's credits and rate limit (migration 008): all-null columns mean none. */
import type { ApiTokenCredits, ApiTokenRateLimit } from '@tollgate/core';
import type { Selectable } from 'kysely';
import type { ApiTokensTable } from '../schema.js';

type CreditColumns = Pick<
  ApiTokensTable,
  'credits_remaining' | 'credits_refill_amount' | 'credits_refill_interval' | 'credits_refilled_at'
>;
type RateLimitColumns = Pick<ApiTokensTable, 'rate_limit_requests' | 'rate_limit_window_seconds'>;
type QuotaColumns = Pick<
  ApiTokensTable,
  | 'credits_remaining'
  | 'credits_refill_amount'
  | 'credits_refill_interval'
  | 'credits_refilled_at'
  | 'rate_limit_requests'
  | 'rate_limit_window_seconds'
>;

export function creditColumns(credits: ApiTokenCredits | null): CreditColumns {
  return {
    credits_remaining: credits?.remaining ?? null,
    credits_refill_amount: credits?.refill?.amount ?? null,
    credits_refill_interval: credits?.refill?.interval ?? null,
    credits_refilled_at: credits?.refilledAt ?? null,
  };
}

export function rateLimitColumns(limit: ApiTokenRateLimit | null): RateLimitColumns {
  return { rate_limit_requests: limit?.requests ?? null, rate_limit_window_seconds: limit?.windowSeconds ?? null };
}

export function decodeCredits(row: Selectable<QuotaColumns>): ApiTokenCredits | null {
  const { credits_remaining: remaining, credits_refilled_at: refilledAt } = row;
  if (remaining === null || refilledAt === null) return null;
  const { credits_refill_amount: amount, credits_refill_interval: interval } = row;
  if (amount === null || interval === null) return { remaining, refill: null, refilledAt };
  // The interval decides when credits come back, so an unexpected value fails loudly instead of defaulting.
  if (interval !== 'day' && interval !== 'month')
    throw new Error('Stored api_tokens.credits_refill_interval is invalid');
  return { remaining, refill: { amount, interval }, refilledAt };
}

export function decodeRateLimit(row: Selectable<QuotaColumns>): ApiTokenRateLimit | null {
  const { rate_limit_requests: requests, rate_limit_window_seconds: windowSeconds } = row;
  return requests === null || windowSeconds === null ? null : { requests, windowSeconds };
}
