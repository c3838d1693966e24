/**
 * The one decision on an API token's quotas, shared by the SDK's guard and the gateway: the token's own rate limit
 * (in place of the API's or route's per-token one) counted by a WindowCounter, then its credits, taken at the server.
 * Answers carry the RateLimit-* fields of draft-ietf-httpapi-ratelimit-headers and, on refusal, Retry-After
 * (RFC 9110 10.2.3, RFC 6585 4). A 429 is not an RFC 6750 refusal: no challenge, a JSON body with Tollgate's
 * extension codes `rate_limited` and `credits_exhausted`. Its own subpath (`@tollgate/verify/quota`): the guard's
 * options are what an API uses; this is for the gateway and for apps that enforce quotas outside an adapter.
 */
import type { CreditsAnswer } from '@tollgate/jwt';
import { BearerError } from './errors.js';
import type { TokenRateLimit, VerifiedToken } from './types.js';

export type RateWindow = TokenRateLimit;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends (or the credits are refilled); undefined when that never happens. */
  resetSeconds: number | undefined;
}

/** What counts rate-limit hits: a WindowCounter (@tollgate/window-counter, @tollgate/redis) fits as it is. */
export interface HitCounter {
  hit(key: string, windowMs: number): Promise<{ count: number; resetAtMs: number }>;
}

/** A refusal for a quota: 429 with its RateLimit-* and Retry-After headers and a JSON body. */
export class QuotaExceeded extends BearerError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(error: 'credits_exhausted' | 'rate_limited', description: string, decision: RateLimitDecision) {
    const code = error === 'credits_exhausted' ? 'ERR_CREDITS_EXHAUSTED' : 'ERR_RATE_LIMITED';
    super({ status: 429, error, description, code });
    this.name = 'QuotaExceeded';
    this.headers = Object.freeze(rateLimitHeaders(decision));
  }
}

/**
 * A window's count as a decision. Refused requests count too (hammering past the limit earns no allowance sooner),
 * so `remaining` is clamped at 0.
 */
export function windowDecision(
  counted: { count: number; resetAtMs: number },
  window: RateWindow,
  nowMs: number,
): RateLimitDecision {
  return {
    allowed: counted.count <= window.requests,
    limit: window.requests,
    remaining: Math.max(0, window.requests - counted.count),
    resetSeconds: Math.max(1, Math.ceil((counted.resetAtMs - nowMs) / 1000)),
  };
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
  };
  if (decision.resetSeconds === undefined) return headers;
  headers['RateLimit-Reset'] = String(decision.resetSeconds);
  if (!decision.allowed) headers['Retry-After'] = String(decision.resetSeconds);
  return headers;
}

/**
 * The per-token window that applies: the token's own limit when it has one (keyed by the token alone, since the
 * limit is the token's wherever it is used), else the route's or API's, under the caller's key.
 */
export function perTokenWindow(
  token: VerifiedToken,
  fallback: { key: string; window: RateWindow } | undefined,
): { key: string; window: RateWindow } | undefined {
  if (token.rateLimit !== undefined) return { key: `token-limit\u0000${token.claims.jti}`, window: token.rateLimit };
  return fallback;
}

export function rateLimited(decision: RateLimitDecision): QuotaExceeded {
  return new QuotaExceeded('rate_limited', 'Too many requests for this token; retry later', decision);
}

/**
 * Takes the request's credits at the server when the token carries any; undefined when it carries none (no call
 * is made). Throws QuotaExceeded (429) when they do not cover `cost`, BearerError 503 when the server cannot be asked.
 */
export async function spendTokenCredits(
  consume: ((token: VerifiedToken, cost: number) => Promise<CreditsAnswer>) | undefined,
  token: VerifiedToken,
  cost: number,
): Promise<RateLimitDecision | undefined> {
  if (token.credits === undefined) return undefined;
  // A verifier that cannot take credits must not admit a metered token (fail closed).
  if (consume === undefined) throw BearerError.unavailable(NO_CREDITS, 'ERR_CREDITS_UNAVAILABLE');
  const answer = await consume(token, cost);
  if (!answer.active)
    throw BearerError.invalidToken('The API token is invalid, expired or revoked', 'ERR_API_TOKEN_INACTIVE');
  const remaining = answer.remaining ?? 0;
  const decision: RateLimitDecision = {
    allowed: answer.allowed,
    limit: answer.refill_amount ?? remaining + (answer.allowed ? cost : 0),
    remaining,
    resetSeconds: answer.refills_in,
  };
  if (answer.remaining === null) return undefined;
  if (!answer.allowed) throw new QuotaExceeded('credits_exhausted', exhaustedText(answer, cost), decision);
  return decision;
}

const NO_CREDITS = "The API token's credits cannot be checked here";

function exhaustedText(answer: Extract<CreditsAnswer, { active: true }>, cost: number): string {
  const used = `The API token's credits quota is exhausted: ${answer.remaining ?? 0} remaining, this request costs ${cost}`;
  if (answer.refills_at === undefined || answer.refill_amount === undefined) return `${used}; it is not refilled`;
  const at = new Date(answer.refills_at * 1000).toISOString();
  return `${used}; refilled to ${answer.refill_amount} at ${at}`;
}

export interface QuotaSteps {
  /** Counts one hit against `key` in `window`: the gateway's RateLimiter, or `counterHits` over a WindowCounter. */
  hit(key: string, window: RateWindow): Promise<RateLimitDecision>;
  /** The verifier's `consumeCredits`. */
  consume: ((token: VerifiedToken, cost: number) => Promise<CreditsAnswer>) | undefined;
}

/**
 * Every quota of one request, in order: the rate-limit windows (the first refusal wins; a limited request spends no
 * credits), then the credits. Returns the decision to report in RateLimit-* (the window with the fewest requests
 * left, or the credits when no window applies); throws QuotaExceeded or BearerError 503 when refused.
 */
export async function enforceQuotas(
  steps: QuotaSteps,
  token: VerifiedToken,
  plan: { cost: number; windows: readonly ({ key: string; window: RateWindow } | undefined)[] },
): Promise<RateLimitDecision | undefined> {
  let reported: RateLimitDecision | undefined;
  for (const entry of plan.windows) {
    if (entry === undefined) continue;
    const decision = await steps.hit(entry.key, entry.window);
    if (!decision.allowed) throw rateLimited(decision);
    if (reported === undefined || decision.remaining < reported.remaining) reported = decision;
  }
  const credits = await spendTokenCredits(steps.consume, token, plan.cost);
  return reported ?? credits;
}

/** `QuotaSteps.hit` over a WindowCounter, for the SDK (the gateway has its own limiter over one). */
export function counterHits(
  counter: HitCounter,
  now: () => number = Date.now,
): (key: string, window: RateWindow) => Promise<RateLimitDecision> {
  return async (key, window) => windowDecision(await counter.hit(key, window.windowSeconds * 1000), window, now());
}
