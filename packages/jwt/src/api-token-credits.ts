/**
 * The wire format verifiers and the server share for API-token quotas (Tollgate's `api_token_credits_endpoint` and
 * the `credits` / `rate_limit` extension members of introspection, RFC 7662 2.2): the server is the one authority
 * for credits; verifiers ask it to consume them and enforce a token's own rate limit themselves.
 */

/** When a token's credits are set back to its refill amount: each UTC midnight, or the first of each month. */
export type RefillInterval = 'day' | 'month';

export const REFILL_INTERVALS: readonly RefillInterval[] = Object.freeze(['day', 'month']);

/** Introspection's `credits` member: the token's credits at the moment of the answer. */
export interface IntrospectedCredits {
  remaining: number;
  refill_amount?: number;
  refill_interval?: RefillInterval;
  /** Epoch seconds of the next refill; absent without a refill. */
  refills_at?: number;
}

/** Introspection's `rate_limit` member: the token's own limit, in place of the API's per-token one. */
export interface IntrospectedRateLimit {
  requests: number;
  window_seconds: number;
}

/** What a verifier asks of the credits endpoint: take `cost` credits from the token whose secret has this jti. */
export interface CreditsRequest {
  jti: string;
  /** The API the verifier accepted the token for; it must be one the verifier's client may verify for. */
  api: string;
  cost: number;
}

/**
 * The credits endpoint's answer. `active: false`: no such token (or not one this client may know of), exactly as
 * introspection would say. `allowed`: whether `cost` was taken; `remaining` is what is left afterwards.
 */
export type CreditsAnswer =
  | { active: false }
  | {
      active: true;
      allowed: boolean;
      /** Null: the token carries no credits (unlimited). */
      remaining: number | null;
      /** The refill amount, the most `remaining` is set back to; absent without a refill. */
      refill_amount?: number;
      /** Epoch seconds of the next refill; absent without a refill. */
      refills_at?: number;
      /** Seconds until then by the server's clock (the authority), for Retry-After; absent without a refill. */
      refills_in?: number;
    };

/** Bounds both sides hold to. */
export const CREDIT_LIMITS = Object.freeze({
  /** Far more than any quota, far below Number.MAX_SAFE_INTEGER and PostgreSQL's bigint. */
  maxCredits: 1_000_000_000_000,
  maxCost: 1_000_000,
  maxRateLimitRequests: 1_000_000,
  /** A month and a day: a rate-limit window longer than that is a quota, and quotas are credits. */
  maxRateLimitWindowSeconds: 32 * 86_400,
  jtiLength: 256,
  apiLength: 2_048,
});
