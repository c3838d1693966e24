/**
 * createVerifier: the pipeline every token goes through. Start-up (discovery, JWKS, revocation snapshot) happens once,
 * lazily; then per token: API tokens (`tg_...`) are format-checked locally, then fail-closed check; a JWT goes through
 * the verified-token cache and the one validation module of @tollgate/jwt with the remote key store, an API token
 * through introspection (api-tokens.ts); for both, the revocation deny list is consulted on every call, cache hit or
 * not.
 */
import {
  type CreditsAnswer,
  isApiToken,
  type KeyResolver,
  retiredKeyOf,
  retiredKeyRevocationId,
  TokenValidationError,
  validateAccessToken,
} from '@tollgate/jwt';
import { ApiTokenVerifier } from './api-tokens.js';
import { extractCredentials, extractDpopProof } from './bearer.js';
import { TokenCache, tokenDigest } from './cache.js';
import { DenyList } from './deny-list.js';
import { DpopCheck, dpopCall } from './dpop.js';
import { BearerError } from './errors.js';
import { RemoteKeyStore } from './keys.js';
import { HTTP_TIMEOUT_MS, type NormalizedOptions, normalizeVerifierOptions } from './options.js';
import { type FirstSyncOutcome, RevocationStream } from './revocations.js';
import type { BearerRequest, Verifier, VerifierOptions, VerifiedToken, VerifyOptions } from './types.js';
import { toVerifiedToken } from './verified-token.js';

/** How long the first requests wait for the revocation snapshot before going ahead without it. */
const STARTUP_SYNC_WAIT_MS = 5_000;

function waitAtMost<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => resolve(fallback),
    );
  });
}

class TollgateVerifier implements Verifier {
  readonly realm: string;
  readonly #options: NormalizedOptions;
  readonly #keys: RemoteKeyStore;
  readonly #cache: TokenCache<VerifiedToken>;
  readonly #denyList: DenyList;
  readonly #revocations: RevocationStream | undefined;
  readonly #apiTokens: ApiTokenVerifier;
  readonly #dpop: DpopCheck;
  /** Aborts introspection and usage requests on close. */
  readonly #closing = new AbortController();
  #initialSync: Promise<FirstSyncOutcome | undefined> | undefined;
  #prepared = false;
  #closed = false;

  constructor(options: NormalizedOptions) {
    this.realm = options.realm;
    this.#options = options;
    this.#cache = new TokenCache(options.cacheSize, options.now);
    this.#denyList = new DenyList(options.now, options.clockToleranceSeconds);
    this.#keys = new RemoteKeyStore({
      issuer: options.issuer,
      fetch: options.fetch,
      now: options.now,
      refetchIntervalMs: options.jwksRefetchIntervalMs,
      refreshIntervalMs: options.jwksRefreshIntervalMs,
      timeoutMs: HTTP_TIMEOUT_MS,
      // A token verified with a key the issuer withdrew must not live on in the cache.
      onKeysRemoved: () => this.#cache.clear(),
    });
    this.#revocations =
      options.client === undefined
        ? undefined
        : new RevocationStream({
            url: () => this.#revocationStreamUrl(),
            clientId: options.client.clientId,
            clientSecret: options.client.clientSecret,
            denyList: this.#denyList,
            fetch: options.fetch,
            now: options.now,
            onRevoked: (jti) => {
              if (retiredKeyOf(jti) !== undefined) this.#keyRetired();
            },
          });
    this.#dpop = new DpopCheck(options.dpop, options.now);
    this.#apiTokens = new ApiTokenVerifier({
      issuer: options.issuer,
      audiences: options.audiences,
      client: options.client,
      cacheSize: options.cacheSize,
      cacheTtlMs: options.apiTokenCacheTtlMs,
      denyList: this.#denyList,
      endpoints: () => this.#keys.endpoints,
      http: { fetch: options.fetch, timeoutMs: HTTP_TIMEOUT_MS, signal: this.#closing.signal },
      now: options.now,
    });
  }

  async ready(): Promise<void> {
    const initialSync = this.#start();
    if (!this.#keys.loaded) await this.#keys.load();
    if ((await initialSync) === 'refused') {
      throw new Error(`Tollgate revocation stream: ${this.#revocations?.lastError ?? 'refused'}`);
    }
  }

  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken> {
    return this.#check(token, undefined, this.#audienceOf(options));
  }

  async authenticate(request: BearerRequest, options?: VerifyOptions): Promise<VerifiedToken> {
    const audience = this.#audienceOf(options);
    const call = dpopCall(this.#options.dpop, options, audience ?? (this.#options.audiences[0] as string));
    try {
      return await this.#authenticate(request, audience, call);
    } catch (error) {
      // Every refusal challenges the schemes this API takes, in one header (RFC 9449 7.2).
      throw error instanceof BearerError ? error.withScheme(this.#dpop.accepted(call.mode)) : error;
    }
  }

  /**
   * RFC 6750 2 and RFC 9449 7: `Bearer` takes only unbound tokens (7.2: a DPoP-bound one is refused, never downgraded),
   * `DPoP` only bound ones with a proof of their key.
   */
  async #authenticate(
    request: BearerRequest,
    audience: string | undefined,
    call: ReturnType<typeof dpopCall>,
  ): Promise<VerifiedToken> {
    const { scheme, token } = extractCredentials(request, { allowQueryToken: this.#options.allowQueryToken });
    if (scheme === 'Bearer') {
      // RFC 6750 3.1: an unsupported scheme gets a bare challenge, here one naming DPoP only.
      if (call.mode === 'required') throw new BearerError({ status: 401, error: undefined, code: 'ERR_DPOP_REQUIRED' });
      const verified = await this.#check(token, request.remoteAddress, audience);
      if (verified.claims.cnf !== undefined) {
        throw BearerError.invalidToken('The access token is DPoP-bound and needs a DPoP proof', 'ERR_TOKEN_DPOP_BOUND');
      }
      return verified;
    }
    try {
      const proof = extractDpopProof(request);
      const verified = await this.#check(token, request.remoteAddress, audience);
      const jkt = verified.claims.cnf?.jkt;
      if (jkt === undefined) {
        throw BearerError.invalidToken('The access token is not bound to a DPoP key', 'ERR_TOKEN_NOT_DPOP_BOUND');
      }
      await this.#dpop.check(request, proof, token, jkt, call);
      return verified;
    } catch (error) {
      throw error instanceof BearerError ? error.withScheme(error.accepted, 'DPoP') : error;
    }
  }

  /** A caller mistake (an audience this verifier was not made for) is a TypeError, not a refusal. */
  #audienceOf(options: VerifyOptions | undefined): string | undefined {
    const audience = options?.audience;
    if (audience !== undefined && !this.#options.audiences.includes(audience)) {
      throw new TypeError(`audience ${JSON.stringify(audience)} is not one of the verifier's audiences`);
    }
    return audience;
  }

  async #check(token: string, remoteAddress: string | undefined, audience: string | undefined): Promise<VerifiedToken> {
    if (typeof token !== 'string') throw new TypeError('token must be a string');
    const apiToken = isApiToken(token);
    // Garbage and unsupported API tokens are refused before any I/O, discovery included.
    if (apiToken) this.#apiTokens.precheck(token);
    if (!this.#prepared) await this.#prepare();
    this.#refuseIfStale();
    if (apiToken) return this.#apiTokens.verify(token, remoteAddress, audience);
    const digest = this.#cache.enabled ? tokenDigest(token) : undefined;
    const cached = digest === undefined ? undefined : this.#cache.get(digest);
    const verified = cached ?? (await this.#validate(token, true));
    if (this.#denyList.has(verified.claims.jti)) throw BearerError.revoked();
    if (cached === undefined && digest !== undefined) this.#cache.set(digest, verified, verified.claims.exp * 1000);
    // Validation accepted any of the verifier's audiences (so one cache entry serves every API); the call asks for one.
    if (audience !== undefined && !audiencesOf(verified.claims.aud).includes(audience)) {
      throw BearerError.invalidToken('The access token is not for this API', 'ERR_TOKEN_AUDIENCE_INVALID');
    }
    return verified;
  }

  dpopNonce(options?: VerifyOptions): string | undefined {
    const audience = this.#audienceOf(options) ?? (this.#options.audiences[0] as string);
    return this.#dpop.currentNonce(dpopCall(this.#options.dpop, options, audience));
  }

  /** Only API tokens carry credits; anything else is a caller's mistake, not a refusal. */
  consumeCredits(token: VerifiedToken, cost: number): Promise<CreditsAnswer> {
    if (token.kind !== 'api_token') throw new TypeError('only API tokens carry credits');
    return this.#apiTokens.consumeCredits(token, cost);
  }

  revocationStatus(): { connected: boolean; staleMs: number; revokedCount: number } {
    // Without client credentials there is no stream: it has never heard anything.
    return this.#revocations?.status() ?? { connected: false, staleMs: Number.POSITIVE_INFINITY, revokedCount: 0 };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#keys.close();
    // Usage reports go out before the abort, which would otherwise cancel them.
    await Promise.all([this.#apiTokens.close(), this.#revocations?.close()]);
    this.#closing.abort();
  }

  /** From the issuer's metadata (RFC 8414 discovery, shared with the key store): a failure is retried by the stream. */
  async #revocationStreamUrl(): Promise<string> {
    if (this.#keys.endpoints === undefined) await this.#keys.load();
    const url = this.#keys.endpoints?.revocationStreamEndpoint;
    if (url === undefined) throw new Error('the issuer metadata names no usable revocation_stream_endpoint');
    return url;
  }

  /** Kicks off discovery and the stream once; resolves with how the first stream attempt went (bounded wait). */
  #start(): Promise<FirstSyncOutcome | undefined> {
    if (this.#initialSync === undefined) {
      if (this.#closed) return Promise.resolve(undefined);
      this.#keys.load().catch(() => undefined);
      this.#revocations?.start();
      this.#initialSync =
        this.#revocations === undefined
          ? Promise.resolve(undefined)
          : waitAtMost<FirstSyncOutcome | undefined>(this.#revocations.firstSync(), STARTUP_SYNC_WAIT_MS, undefined);
    }
    return this.#initialSync;
  }

  /** The first requests wait for keys and the revocation snapshot; later ones never come here. */
  async #prepare(): Promise<void> {
    await this.#start();
    if (!this.#keys.loaded) {
      // The issuer was unreachable at start: try again, but at most once per refetch interval however many requests.
      await this.#keys.refetchIfDue().catch(() => false);
      if (!this.#keys.loaded) {
        throw BearerError.unavailable('The authorization server keys are not available', 'ERR_KEYS_UNAVAILABLE');
      }
    }
    this.#prepared = true;
  }

  #refuseIfStale(): void {
    const limitMs = this.#options.failClosedAfterMs;
    if (limitMs === undefined || this.#revocations === undefined) return;
    // Never synced counts as stale: without the snapshot, a token revoked before start-up would pass.
    if (!this.#revocations.isCurrent(limitMs)) {
      throw BearerError.unavailable('Token revocations cannot be checked right now', 'ERR_REVOCATIONS_STALE');
    }
  }

  /**
   * A signing key withdrawn as compromised (`tollgate keys retire`, announced on the revocation stream) is refused
   * even while a JWKS fetched earlier, or from a node that has not reloaded yet, still lists it.
   */
  readonly #resolveKey: KeyResolver = (kid) =>
    this.#denyList.has(retiredKeyRevocationId(kid)) ? undefined : this.#keys.resolve(kid);

  /** Tokens verified with the withdrawn key may be cached; the refetch brings in the key that replaces it. */
  #keyRetired(): void {
    this.#cache.clear();
    this.#keys.load().catch(() => undefined);
  }

  async #validate(token: string, mayRefetch: boolean): Promise<VerifiedToken> {
    const algorithms = this.#keys.algorithms;
    try {
      const claims = await validateAccessToken(token, this.#resolveKey, {
        issuer: this.#options.issuer,
        audience: this.#options.audiences,
        // The JWKS decides which algorithms are acceptable (and each key its own one).
        algorithms,
        clockToleranceSeconds: this.#options.clockToleranceSeconds,
        maxTokenLifetimeSeconds: this.#options.maxTokenLifetimeSeconds,
        now: this.#options.now,
      });
      return toVerifiedToken(claims, 'jwt');
    } catch (error) {
      if (!(error instanceof TokenValidationError)) throw error;
      // A key of an algorithm the JWKS did not list before (rotation to a new alg): refetch, rate-limited, and retry.
      if (error.code === 'ERR_TOKEN_ALG_NOT_ALLOWED' && mayRefetch) {
        const refetched = await this.#keys.refetchIfDue().catch(() => false);
        if (refetched && this.#keys.algorithms !== algorithms) return this.#validate(token, false);
      }
      throw BearerError.fromValidation(error);
    }
  }
}

function audiencesOf(aud: string | readonly string[]): readonly string[] {
  return typeof aud === 'string' ? [aud] : aud;
}

/**
 * Creates a verifier for one issuer and one or more audiences. Options are checked now (TypeError); no I/O happens
 * until ready(), verify() or authenticate() is first called.
 *
 * One verifier per process is the intended use: it holds the JWKS, the verified-token cache and the revocation stream.
 * In-process callers such as the gateway share it by passing the same object around; a gateway protecting several
 * APIs creates it with all their audiences and compares `token.claims.aud` with each route's audience.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return new TollgateVerifier(normalizeVerifierOptions(options));
}
