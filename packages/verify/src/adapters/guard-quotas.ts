/**
 * The guard's quota step (quota.ts holds the decision, shared with the gateway): the options checked once when the
 * adapter is created, then per request the token's own rate limit (or the API's per-token one) and its credits.
 */
import { CREDIT_LIMITS } from '@tollgate/jwt';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import {
  type HitCounter,
  type RateLimitDecision,
  type RateWindow,
  counterHits,
  enforceQuotas,
  perTokenWindow,
} from '../quota.js';
import type { Verifier, VerifiedToken } from '../types.js';

export interface QuotaPlan {
  counter: HitCounter;
  /** Throws QuotaExceeded (429) or BearerError (503) when refused; the decision to report otherwise. */
  enforce(token: VerifiedToken): Promise<RateLimitDecision | undefined>;
}

export function quotaPlan(
  verifier: Verifier,
  options: { cost?: unknown; rateLimit?: unknown; rateLimitCounter?: HitCounter },
): QuotaPlan {
  const cost = costOption(options.cost);
  const apiWindow = windowOption(options.rateLimit);
  const counter = options.rateLimitCounter ?? new MemoryWindowCounter();
  if (typeof counter?.hit !== 'function') throw new TypeError('options.rateLimitCounter must be a WindowCounter');
  const steps = { hit: counterHits(counter), consume: verifier.consumeCredits?.bind(verifier) };
  return {
    counter,
    async enforce(token) {
      const fallback = apiWindow && { key: `api-limit\u0000${token.claims.jti}`, window: apiWindow };
      const window = perTokenWindow(token, fallback);
      // Nothing to count and nothing to spend (every JWT, most API tokens): no await at all.
      if (window === undefined && token.credits === undefined) return undefined;
      return enforceQuotas(steps, token, { cost, windows: [window] });
    },
  };
}

function costOption(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > CREDIT_LIMITS.maxCost) {
    throw new TypeError(`options.cost must be a whole number from 1 to ${CREDIT_LIMITS.maxCost}`);
  }
  return value;
}

function windowOption(value: unknown): RateWindow | undefined {
  if (value === undefined) return undefined;
  const { requests, windowSeconds } = (value ?? {}) as Record<string, unknown>;
  const whole = (n: unknown, max: number) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= max;
  if (
    !whole(requests, CREDIT_LIMITS.maxRateLimitRequests) ||
    !whole(windowSeconds, CREDIT_LIMITS.maxRateLimitWindowSeconds)
  ) {
    throw new TypeError('options.rateLimit must be { requests, windowSeconds }, each a positive whole number');
  }
  return { requests: requests as number, windowSeconds: windowSeconds as number };
}
