/**
 * A token's quotas as the owner sets them: credits (what remains now, and an optional refill that sets them back to
 * an amount each UTC day or month) and its own rate limit. Every refusal names the field and its bounds.
 */
import { CREDIT_LIMITS, REFILL_INTERVALS } from '@tollgate/jwt';
import { creditsAt, nextRefillAt } from '../credits/refill.js';
import { InvalidRequest } from '../errors.js';
import type { ApiTokenCredits, ApiTokenRateLimit } from '../storage/index.js';
import type { ApiTokenCreditsInput, ApiTokenRateLimitInput } from './contract.js';
import type { ApiTokenCreditsView } from './views.js';

/** Credits as given, checked; they count from `now` (the next refill is the boundary after it). Null: unlimited. */
export function checkTokenCredits(value: ApiTokenCreditsInput | null, now: number): ApiTokenCredits | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidRequest('credits must be an object or null');
  const { remaining, refill } = value;
  if (remaining === undefined) {
    throw new InvalidRequest('credits.remaining is required: a refill needs credits to refill');
  }
  checkWhole(remaining, 'credits.remaining', 0, CREDIT_LIMITS.maxCredits);
  if (refill === undefined || refill === null) return { remaining, refill: null, refilledAt: now };
  if (typeof refill !== 'object') throw new InvalidRequest('credits.refill must be an object or null');
  checkWhole(refill.amount, 'credits.refill.amount', 1, CREDIT_LIMITS.maxCredits);
  if (!REFILL_INTERVALS.includes(refill.interval)) {
    throw new InvalidRequest(`credits.refill.interval must be one of ${REFILL_INTERVALS.join(', ')}`);
  }
  return { remaining, refill: { amount: refill.amount, interval: refill.interval }, refilledAt: now };
}

export function checkTokenRateLimit(value: ApiTokenRateLimitInput | null): ApiTokenRateLimit | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRequest('rateLimit must be an object or null');
  }
  checkWhole(value.requests, 'rateLimit.requests', 1, CREDIT_LIMITS.maxRateLimitRequests);
  checkWhole(value.windowSeconds, 'rateLimit.windowSeconds', 1, CREDIT_LIMITS.maxRateLimitWindowSeconds);
  return { requests: value.requests, windowSeconds: value.windowSeconds };
}

/** The credits as of `now` (a refill due is shown applied, though only a consume writes it). */
export function creditsView(credits: ApiTokenCredits | null, now: number): ApiTokenCreditsView | null {
  if (credits === null) return null;
  const current = creditsAt(credits, now);
  return {
    remaining: current.remaining,
    refill: current.refill === null ? null : { ...current.refill },
    refillsAt: nextRefillAt(current) ?? null,
  };
}

function checkWhole(value: unknown, field: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidRequest(`${field} must be a whole number from ${min} to ${max}`);
  }
}
