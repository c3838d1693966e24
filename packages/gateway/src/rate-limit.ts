/**
 * Per-route rate limits per token (`jti`) and per client (`client_id`), counted by a WindowCounter: in memory
 * for one gateway, over IPC across --workers, on Redis (see @tollgate/redis) when several gateways run side by side.
 * An API token's own rate limit replaces the route's per-token one, and its credits are taken at the server: the
 * decision and its RateLimit-* / Retry-After headers are the SDK's (@tollgate/verify quota.ts), shared.
 */
import type { WindowCounter } from '@tollgate/window-counter';
import type { VerifiedToken, Verifier } from '@tollgate/verify';
import {
  type RateLimitDecision,
  type RateWindow,
  enforceQuotas,
  perTokenWindow,
  windowDecision,
} from '@tollgate/verify/quota';
import type { Route } from './routes.js';

export { type RateLimitDecision, rateLimitHeaders } from '@tollgate/verify/quota';

export interface RateLimiter {
  /** Counts one hit against `key` in `window` and says whether it may proceed. */
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
    return windowDecision(await this.#counter.hit(key, window.windowSeconds * 1000), window, this.#now());
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

/** Whether the request has any quota to check: without one there is nothing to await. */
export function hasQuotas(route: Route, token: VerifiedToken): boolean {
  return route.rateLimit !== undefined || token.rateLimit !== undefined || token.credits !== undefined;
}

/**
 * Applies the route's limits (the token's own limit in place of its per-token one), then takes the route's credit
 * cost. Returns the decision to report (the window with the fewest requests left, or the credits); throws
 * QuotaExceeded (429) or BearerError (503: the server could not take the credits) when refused.
 */
export async function applyQuotas(
  limiter: RateLimiter,
  verifier: Verifier | undefined,
  route: Route,
  token: VerifiedToken,
): Promise<RateLimitDecision | undefined> {
  const { jti, clientId } = rateLimitKeys(token);
  const limits = route.rateLimit;
  const routeWindow = limits?.perToken && { key: `${route.index}\u0000token\u0000${jti}`, window: limits.perToken };
  const clientWindow = limits?.perClient && {
    key: `${route.index}\u0000client\u0000${clientId}`,
    window: limits.perClient,
  };
  const steps = {
    hit: async (key: string, window: RateWindow) => limiter.hit(key, window),
    consume: verifier?.consumeCredits?.bind(verifier),
  };
  return enforceQuotas(steps, token, {
    cost: route.creditCost,
    windows: [perTokenWindow(token, routeWindow), clientWindow],
  });
}
