/**
 * Per-route rate limits per token (`jti`) and per client (`client_id`), counted by a WindowCounter: in memory
 * for one gateway, on Redis (see @tollgate/redis) when several gateways run side by side. Answers carry the RateLimit-* fields of
 * draft-ietf-httpapi-ratelimit-headers and, on refusal, Retry-After (RFC 9110 10.2.3, RFC 6585 4).
 */
import type { WindowCounter } from '@tollgate/window-counter';
import type { VerifiedToken } from '@tollgate/verify';
import type { RateWindow, Route } from './routes.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one request against `key` in `window` and says whether it may proceed. */
  hit(key: string, window: RateWindow): RateLimitDecision | Promise<RateLimitDecision>;
  close?(): void | Promise<void>;
}

/**
 * Limits over a WindowCounter: in memory for one gateway, on Redis (@tollgate/redis) shared by every gateway on it.
 * A window opens at a key's first request and lasts the route's `windowSeconds`. Refused requests count too (a
 * client hammering past its limit does not get a fresh allowance sooner), so `remaining` is clamped at 0. A burst
 * of up to twice the limit across a window edge is the known cost of fixed windows.
 */
export class WindowCounterRateLimiter implements RateLimiter {
  readonly #counter: WindowCounter & { close?(): Promise<void> };
  readonly #now: () => number;

  constructor(counter: WindowCounter & { close?(): Promise<void> }, options: { now?: () => number } = {}) {
    this.#counter = counter;
    this.#now = options.now ?? Date.now;
  }

  async hit(key: string, window: RateWindow): Promise<RateLimitDecision> {
    const { count, resetAtMs } = await this.#counter.hit(key, window.windowSeconds * 1000);
    return {
      allowed: count <= window.requests,
      limit: window.requests,
      remaining: Math.max(0, window.requests - count),
      resetSeconds: Math.max(1, Math.ceil((resetAtMs - this.#now()) / 1000)),
    };
  }

  async close(): Promise<void> {
    await this.#counter.close?.();
  }
}

/**
 * What the limits count against. `token`: the `jti` (for an API token, its current secret: a regeneration starts
 * afresh). `client`: the OAuth client; but a user's API tokens all carry one shared `client_id` (no OAuth client
 * issued them), so for those the user is the "client", and one person cannot use up everyone's allowance. A
 * service account's API tokens (subject = the client) share the client's own bucket.
 */
export function rateLimitKeys(token: VerifiedToken): { jti: string; clientId: string } {
  const personal = token.kind === 'api_token' && token.subject !== token.clientId;
  return { jti: token.claims.jti, clientId: personal ? `user:${token.subject}` : token.clientId };
}

/**
 * Applies the route's limits for this token. Returns undefined when the route has none, otherwise the
 * decision to report: the refusing one, or the allowing one with the fewest requests left.
 */
export async function applyRateLimits(
  limiter: RateLimiter,
  route: Route,
  token: { jti: string; clientId: string },
): Promise<RateLimitDecision | undefined> {
  const limits = route.rateLimit;
  if (limits === undefined) return undefined;
  let reported: RateLimitDecision | undefined;
  const checks: Array<[string, RateWindow | undefined]> = [
    [`${route.index}\u0000token\u0000${token.jti}`, limits.perToken],
    [`${route.index}\u0000client\u0000${token.clientId}`, limits.perClient],
  ];
  for (const [key, window] of checks) {
    if (window === undefined) continue;
    const decision = await limiter.hit(key, window);
    if (!decision.allowed) return decision;
    if (reported === undefined || decision.remaining < reported.remaining) reported = decision;
  }
  return reported;
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.resetSeconds);
  return headers;
}
