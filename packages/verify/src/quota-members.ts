/**
 * Tollgate's quota members of an introspection answer (RFC 7662 2.2 extensions) and of the credits endpoint's answer,
 * read strictly: a member this verifier cannot read is a broken answer (503), never a token without quotas, which
 * would let it through unmetered.
 */
import type { CreditsAnswer } from '@tollgate/jwt';
import type { TokenCredits, TokenRateLimit } from './types.js';

/** A member of the answer is missing or has the wrong type. */
export class QuotaAnswerError extends Error {
  constructor(member: string) {
    super(`the answer has no valid "${member}"`);
    this.name = 'QuotaAnswerError';
  }
}

function count(value: unknown, member: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new QuotaAnswerError(member);
  return value;
}

function optionalCount(value: unknown, member: string): number | undefined {
  return value === undefined ? undefined : count(value, member);
}

function objectOf(value: unknown, member: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new QuotaAnswerError(member);
  return value as Record<string, unknown>;
}

export function readCreditsMember(value: unknown): TokenCredits | undefined {
  if (value === undefined) return undefined;
  const credits = objectOf(value, 'credits');
  const interval = credits.refill_interval;
  if (interval !== undefined && interval !== 'day' && interval !== 'month') {
    throw new QuotaAnswerError('credits.refill_interval');
  }
  const refillAmount = optionalCount(credits.refill_amount, 'credits.refill_amount');
  const refillsAt = optionalCount(credits.refills_at, 'credits.refills_at');
  return Object.freeze({
    remaining: count(credits.remaining, 'credits.remaining'),
    ...(refillAmount === undefined ? {} : { refillAmount }),
    ...(interval === undefined ? {} : { refillInterval: interval }),
    ...(refillsAt === undefined ? {} : { refillsAt }),
  });
}

export function readRateLimitMember(value: unknown): TokenRateLimit | undefined {
  if (value === undefined) return undefined;
  const limit = objectOf(value, 'rate_limit');
  return Object.freeze({
    requests: count(limit.requests, 'rate_limit.requests', 1),
    windowSeconds: count(limit.window_seconds, 'rate_limit.window_seconds', 1),
  });
}

/** The credits endpoint's answer (api_token_credits_endpoint). */
export function readCreditsAnswer(body: Record<string, unknown>): CreditsAnswer {
  if (body.active !== true) return { active: false };
  if (typeof body.allowed !== 'boolean') throw new QuotaAnswerError('allowed');
  const remaining = body.remaining === null ? null : count(body.remaining, 'remaining');
  const refillAmount = optionalCount(body.refill_amount, 'refill_amount');
  const refillsAt = optionalCount(body.refills_at, 'refills_at');
  const refillsIn = optionalCount(body.refills_in, 'refills_in');
  return {
    active: true,
    allowed: body.allowed,
    remaining,
    ...(refillAmount === undefined ? {} : { refill_amount: refillAmount }),
    ...(refillsAt === undefined ? {} : { refills_at: refillsAt }),
    ...(refillsIn === undefined ? {} : { refills_in: refillsIn }),
  };
}
