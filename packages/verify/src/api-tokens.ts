/**
 * The API-token path of the verifier. Tollgate API tokens (`tg_...`) are opaque, so after a local format check (no
 * I/O for garbage) they are introspected (RFC 7662) with the verifier's client credentials, and the verdict is cached
 * by the token's SHA-256: accepted ones for `apiTokenCacheTtlMs` (never past their `exp`), refused ones briefly, so a
 * flood of one bad token costs one request. As for JWTs, the revocation deny list is consulted by `jti` on every call,
 * cache hit or not: that is how a revoke or a regenerate reaches a verifier within a second despite the cache.
 */
import { type AccessTokenClaims, type CreditsAnswer, checkApiTokenFormat } from '@tollgate/jwt';
import { requestCredits } from './credits-client.js';
import { TokenCache, tokenDigest } from './cache.js';
import type { DenyList } from './deny-list.js';
import type { IssuerEndpoints } from './discovery.js';
import { type BearerErrorCode, BearerError } from './errors.js';
import { FetchError, type HttpOptions } from './http.js';
import { type ActiveIntrospection, IntrospectionAnswerError, introspect } from './introspection.js';
import { basicCredentials } from './revocations.js';
import type { VerifiedToken } from './types.js';
import { UsageReporter } from './usage.js';
import { toVerifiedToken } from './verified-token.js';

/** How long a refusal (inactive, another API's token) is remembered: long enough to absorb a flood, short enough not to matter. */
const REFUSAL_CACHE_MS = 5_000;

const MALFORMED = 'The API token is malformed';
const NOT_CONFIGURED = 'API tokens are not accepted here: the verifier is not configured for them';
const INACTIVE = 'The API token is invalid, expired or revoked';
const UNAVAILABLE = 'The API token cannot be checked right now';
const CREDITS_UNAVAILABLE = "The API token's credits cannot be checked right now";

export interface ApiTokenVerifierOptions {
  issuer: string;
  audiences: readonly string[];
  client: { clientId: string; clientSecret: string } | undefined;
  cacheSize: number;
  cacheTtlMs: number;
  denyList: DenyList;
  /** The metadata's endpoints, from the key store's discovery (one metadata fetch for everything). */
  endpoints: () => IssuerEndpoints | undefined;
  http: HttpOptions;
  now: () => number;
}

/** `reach`: the verifier's audiences the token may be used for, in the verifier's order (the first is `claims.aud`). */
type Verdict =
  | { token: VerifiedToken; reach: readonly string[] }
  | { refusal: { description: string; code: BearerErrorCode } };

function refusal(description: string, code: BearerErrorCode): Verdict {
  return { refusal: { description, code } };
}

const REVOKED = refusal('The access token was revoked', 'ERR_TOKEN_REVOKED');
const NOT_FOR_THIS_API_TEXT = 'The access token is not for this API';
const NOT_FOR_THIS_API = refusal(NOT_FOR_THIS_API_TEXT, 'ERR_TOKEN_AUDIENCE_INVALID');

export class ApiTokenVerifier {
  readonly #options: ApiTokenVerifierOptions;
  readonly #cache: TokenCache<Verdict>;
  /** Concurrent requests with the same uncached token share one introspection. */
  readonly #inFlight = new Map<string, Promise<Verdict>>();
  readonly #authorization: string | undefined;
  readonly #usage: UsageReporter | undefined;

  constructor(options: ApiTokenVerifierOptions) {
    this.#options = options;
    this.#cache = new TokenCache(options.cacheTtlMs > 0 ? options.cacheSize : 0, options.now);
    const client = options.client;
    this.#authorization = client === undefined ? undefined : basicCredentials(client.clientId, client.clientSecret);
    this.#usage =
      this.#authorization === undefined
        ? undefined
        : new UsageReporter({
            endpoint: () => options.endpoints()?.apiTokenUsageEndpoint,
            authorization: this.#authorization,
            http: options.http,
            now: options.now,
          });
  }

  /** The checks that need no I/O, run before anything else: the token's format, and whether we can check it at all. */
  precheck(token: string): void {
    if (checkApiTokenFormat(token) !== 'ok') throw BearerError.invalidToken(MALFORMED, 'ERR_API_TOKEN_MALFORMED');
    if (this.#authorization === undefined) {
      throw BearerError.invalidToken(NOT_CONFIGURED, 'ERR_API_TOKEN_NOT_CONFIGURED');
    }
  }

  /**
   * Verifies a token that passed precheck(), for `audience` when given (else any of the verifier's); `remoteAddress`
   * goes into the usage report.
   */
  async verify(token: string, remoteAddress: string | undefined, audience?: string): Promise<VerifiedToken> {
    const digest = tokenDigest(token);
    const verdict = this.#cache.get(digest) ?? (await this.#introspectShared(digest, token));
    if ('refusal' in verdict) throw BearerError.invalidToken(verdict.refusal.description, verdict.refusal.code);
    const verified = forAudience(verdict, audience);
    if (this.#options.denyList.has(verified.claims.jti)) {
      // Remembered as refused, so the token stays refused even after its deny-list entry is gone.
      this.#cache.set(digest, REVOKED, this.#options.now() + this.#options.cacheTtlMs);
      throw BearerError.revoked();
    }
    this.#usage?.record(verified.claims.jti, verified.claims.aud, remoteAddress);
    return verified;
  }

  /** Takes `cost` credits of a token this verifier accepted, at the server (credits-client.ts). */
  async consumeCredits(token: VerifiedToken, cost: number): Promise<CreditsAnswer> {
    const endpoint = this.#options.endpoints()?.apiTokenCreditsEndpoint;
    if (endpoint === undefined || this.#authorization === undefined) {
      throw BearerError.unavailable(CREDITS_UNAVAILABLE, 'ERR_CREDITS_UNAVAILABLE');
    }
    const request = { jti: token.claims.jti, api: token.claims.aud, cost };
    const answer = await requestCredits(endpoint, request, {
      http: this.#options.http,
      authorization: this.#authorization,
    });
    // Revoked or regenerated away since the verdict was cached: refused like any inactive token, and remembered.
    if (!answer.active) throw BearerError.invalidToken(INACTIVE, 'ERR_API_TOKEN_INACTIVE');
    return answer;
  }

  /** Sends the pending usage reports. */
  async close(): Promise<void> {
    await this.#usage?.close();
  }

  #introspectShared(digest: string, token: string): Promise<Verdict> {
    let pending = this.#inFlight.get(digest);
    if (pending === undefined) {
      pending = this.#introspect(digest, token).finally(() => this.#inFlight.delete(digest));
      this.#inFlight.set(digest, pending);
    }
    return pending;
  }

  async #introspect(digest: string, token: string): Promise<Verdict> {
    const endpoint = this.#options.endpoints()?.introspectionEndpoint;
    // Without the endpoint the token cannot be checked: a server problem, not a verdict on the token.
    if (endpoint === undefined) throw BearerError.unavailable(UNAVAILABLE, 'ERR_INTROSPECTION_UNAVAILABLE');
    let answer: Awaited<ReturnType<typeof introspect>>;
    try {
      answer = await introspect(endpoint, token, {
        http: this.#options.http,
        authorization: this.#authorization as string,
      });
    } catch (error) {
      // Never accept on failure; and a failure is not cached, the next request asks again.
      if (error instanceof FetchError || error instanceof IntrospectionAnswerError) {
        throw BearerError.unavailable(UNAVAILABLE, 'ERR_INTROSPECTION_UNAVAILABLE');
      }
      throw error;
    }
    const nowMs = this.#options.now();
    const ttlMs = this.#options.cacheTtlMs;
    if (!answer.active) {
      const verdict = refusal(INACTIVE, 'ERR_API_TOKEN_INACTIVE');
      this.#cache.set(digest, verdict, nowMs + Math.min(REFUSAL_CACHE_MS, ttlMs));
      return verdict;
    }
    const verdict = this.#judge(answer);
    const expiresAtMs =
      'refusal' in verdict
        ? nowMs + Math.min(REFUSAL_CACHE_MS, ttlMs)
        : Math.min(nowMs + ttlMs, (answer.exp ?? Number.POSITIVE_INFINITY) * 1000);
    this.#cache.set(digest, verdict, expiresAtMs);
    return verdict;
  }

  /** An active answer is accepted for our issuer and one of our audiences, which becomes `claims.aud`. */
  #judge(answer: ActiveIntrospection): Verdict {
    if (answer.iss !== this.#options.issuer) {
      return refusal('The access token was not issued by the expected issuer', 'ERR_TOKEN_ISSUER_INVALID');
    }
    const reach = this.#options.audiences.filter((candidate) => answer.aud.includes(candidate));
    const audience = reach[0];
    if (audience === undefined) return NOT_FOR_THIS_API;
    const claims: AccessTokenClaims = {
      iss: answer.iss,
      sub: answer.sub,
      aud: audience,
      // A never-expiring token (no `exp` in the answer) has exp Infinity: see VerifiedToken in types.ts.
      exp: answer.exp ?? Number.POSITIVE_INFINITY,
      iat: answer.iat,
      jti: answer.jti,
      client_id: answer.client_id,
      scope: answer.scope,
      ...(answer.username === undefined ? {} : { username: answer.username }),
      // A token bound to a DPoP key at creation: the verifier then requires a proof of that key (RFC 9449 7).
      ...(answer.cnf === undefined ? {} : { cnf: answer.cnf }),
    };
    const owner = {
      metadata: answer.metadata,
      externalId: answer.external_id,
      credits: answer.credits,
      rateLimit: answer.rate_limit,
    };
    return { token: toVerifiedToken(claims, 'api_token', owner), reach };
  }
}

/** The verified token as seen by the API being called: refused when the token does not reach it. */
function forAudience(
  verdict: { token: VerifiedToken; reach: readonly string[] },
  audience: string | undefined,
): VerifiedToken {
  const { token } = verdict;
  if (audience === undefined || token.claims.aud === audience) return token;
  if (!verdict.reach.includes(audience)) {
    throw BearerError.invalidToken(NOT_FOR_THIS_API_TEXT, 'ERR_TOKEN_AUDIENCE_INVALID');
  }
  return { ...token, claims: { ...token.claims, aud: audience } };
}
