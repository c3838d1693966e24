/**
 * Introspection's extension members for an API token's quotas (RFC 7662 2.2 allows more members): `credits` as they
 * stand at the answer (a refill due shown applied) and `rate_limit`, the token's own limit. A verifier learns from
 * `credits` that it must consume them at the credits endpoint; tokens without credits never go there.
 */
import type { IntrospectedCredits, IntrospectedRateLimit } from '@tollgate/jwt';
import { creditsAt, nextRefillAt } from '../credits/refill.js';
import type { ApiTokenRecord } from '../storage/index.js';

export function quotaMembers(
  token: ApiTokenRecord,
  now: number,
): { credits?: IntrospectedCredits; rate_limit?: IntrospectedRateLimit } {
  const members: { credits?: IntrospectedCredits; rate_limit?: IntrospectedRateLimit } = {};
  if (token.credits !== null) {
    const current = creditsAt(token.credits, now);
    const credits: IntrospectedCredits = { remaining: current.remaining };
    const refillsAt = nextRefillAt(current);
    if (current.refill !== null && refillsAt !== undefined) {
      credits.refill_amount = current.refill.amount;
      credits.refill_interval = current.refill.interval;
      credits.refills_at = refillsAt;
    }
    members.credits = credits;
  }
  if (token.rateLimit !== null) {
    members.rate_limit = { requests: token.rateLimit.requests, window_seconds: token.rateLimit.windowSeconds };
  }
  return members;
}
