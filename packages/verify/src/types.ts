/**
 * The public types of @tollgate/verify, the SDK an API embeds to check Tollgate
 * tokens locally: discovery (RFC 8414), a JWKS cache that survives outages, the one validation module of
 * @tollgate/jwt, RFC 6750 errors, scope checks, a verified-token cache and the revocation stream.
 * No dependency on the Tollgate server.
 */
import type { AccessTokenClaims, CreditsAnswer, SigningAlgorithm } from '@tollgate/jwt';
import type { DpopReplayCache } from '@tollgate/jwt';

/**
 * Per API: `allowed` takes plain bearer tokens and DPoP-bound ones with their proofs; `required` takes only the
 * latter, answering a `Bearer` request with a bare `DPoP` challenge. A DPoP-bound token is never taken as a plain
 * bearer token (RFC 9449 7.2), in either mode.
 */
export type DpopMode = 'allowed' | 'required';

/** How DPoP proofs (RFC 9449) are checked. Every field is optional. */
export interface DpopOptions {
  /** Default `allowed`; a call may choose per API (VerifyOptions.dpop). */
  mode?: DpopMode;
  /** Proof algorithms accepted, and named in the challenge's `algs`. Default `['ES256', 'EdDSA']`. */
  algorithms?: readonly SigningAlgorithm[];
  /** How old a proof's `iat` may be, in seconds. Default 60, clamped to [1, 600]. */
  maxAgeSeconds?: number;
  /** How far ahead of this clock `iat` may be, in seconds. Default 10, clamped to [0, 300]. */
  clockSkewSeconds?: number;
  /**
   * Where proof `jti`s are remembered for their window (RFC 9449 11.1). Default: a MemoryDpopReplayCache of this
   * process. Several processes serving one API must share one (createRedisDpopReplayCache of @tollgate/redis), or a
   * proof refused as a replay at one is accepted at another.
   */
  replayCache?: DpopReplayCache;
  /** Require server nonces (RFC 9449 9) by default; a call may choose per API (VerifyOptions.dpopNonce). */
  requireNonce?: boolean;
  /**
   * The secret nonces are made with (at least 32 bytes). Default: random per verifier, which is right for one process
   * only: processes that share an API must share the secret, or one's nonce is refused by the other.
   */
  nonceSecret?: Uint8Array;
  /** How long a nonce stays current, in seconds; a nonce is accepted for up to twice that. Default 60. */
  nonceSeconds?: number;
}

export interface VerifierOptions {
  /** The Tollgate issuer (origin). Metadata comes from `<issuer>/.well-known/oauth-authorization-server`. */
  issuer: string;
  /** The API identifier(s) this verifier accepts as `aud`. */
  audience: string | readonly string[];
  /** `realm` of the WWW-Authenticate challenge. Default: the first audience. */
  realm?: string;
  /** Leeway for exp/nbf/iat in seconds; default 5, clamped to [0, 60] like the server. */
  clockToleranceSeconds?: number;
  /**
   * The longest lifetime (`exp - iat`) a JWT may claim, in seconds; longer ones are refused (401, code
   * ERR_TOKEN_LIFETIME_TOO_LONG). Default 86 400 (24 h), the longest the server issues.
   */
  maxTokenLifetimeSeconds?: number;
  /**
   * Credentials of a Tollgate client (client_secret_basic), used to subscribe to the revocation stream, to introspect
   * API tokens (RFC 7662) and to report their use. Without them revoked JWTs are honoured until they expire, and API
   * tokens (`tg_...`) are refused (401, code ERR_API_TOKEN_NOT_CONFIGURED).
   */
  client?: { clientId: string; clientSecret: string };
  /**
   * Refuse every token (503 temporarily_unavailable) when the revocation stream has been silent or down longer than
   * this, or never delivered its snapshot. Needs `client`. Default: never (fail open: signatures are still checked).
   */
  failClosedAfterMs?: number;
  /** RFC 6750 2.3 discourages tokens in the query string; refused unless this is true. */
  allowQueryToken?: boolean;
  /** Verified-token cache size (JWTs, and API-token verdicts, each); 0 disables it. Default 10 000. */
  cacheSize?: number;
  /**
   * How long an API token's introspection verdict is reused, in ms: default 30 000, clamped to [0, 300 000], never
   * past the token's `exp`. Refusals are reused for at most 5 s. Revocations and regenerations do not wait for it:
   * the deny list (revocation stream) is checked by `jti` on every call.
   */
  apiTokenCacheTtlMs?: number;
  /** Minimum time between JWKS refetches triggered by unknown kids (a flood of random kids cannot hammer the server). Default 10 000. */
  jwksRefetchIntervalMs?: number;
  /** Periodic JWKS refresh. Default 300 000, at least 1 000. After a failed fetch it retries sooner (1 s, doubling). */
  jwksRefreshIntervalMs?: number;
  /** DPoP proofs (RFC 9449): accepted by default (mode `allowed`), see DpopOptions. */
  dpop?: DpopOptions;
  /** For tests and custom transports; defaults to globalThis.fetch. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}

/**
 * What a handler gets for a valid token.
 *
 * For an API token (`kind: 'api_token'`) `claims` is built from the introspection answer (RFC 7662 2.2) in the same
 * shape as a JWT's: `aud` is the audience asked for (`VerifyOptions.audience`), or else the first of the verifier's
 * audiences the token may reach, so per-route audience checks work unchanged; `jti` identifies the token's current
 * secret (a regeneration gives a new one); `exp` is `Infinity` for a token that never expires (introspection has no
 * `exp` then), so `exp * 1000 > Date.now()` holds but `new Date(exp * 1000)` is not a date and JSON shows null.
 */
export interface VerifiedToken {
  claims: AccessTokenClaims;
  subject: string;
  clientId: string;
  scopes: readonly string[];
  /** `jwt` for a JWT access token (verified locally), `api_token` for a Tollgate API token (`tg_...`, introspected). */
  kind: 'jwt' | 'api_token';
  /**
   * API tokens only: what the token's owner set as its metadata (string, number and boolean values; `{}` for none).
   * Changes reach a verifier once its cached verdict expires (`apiTokenCacheTtlMs`).
   */
  metadata?: Readonly<Record<string, string | number | boolean>>;
  /** API tokens only, when set: the owner's id for whoever the token is for (a customer id, say). */
  externalId?: string;
  /**
   * API tokens with credits only: the credits as introspection saw them (cached like the rest of the verdict, so
   * `remaining` is informational). Each request's credits are taken at the server: see `consumeCredits`.
   */
  credits?: TokenCredits;
  /** API tokens with their own rate limit only: it replaces the API's or route's per-token limit. */
  rateLimit?: TokenRateLimit;
}

export interface TokenCredits {
  remaining: number;
  refillAmount?: number;
  refillInterval?: 'day' | 'month';
  /** Epoch seconds of the next refill. */
  refillsAt?: number;
}

export interface TokenRateLimit {
  requests: number;
  windowSeconds: number;
}

export type ScopeMode = 'all' | 'any';

/** Header values as Node gives them (string, string[] or undefined) or as a fetch Headers object. */
export type HeaderSource = Record<string, string | string[] | undefined> | Headers;

export interface BearerRequest {
  headers: HeaderSource;
  /**
   * The request URL (path and query, or absolute). Read for `access_token`: used when allowQueryToken is on, refused
   * with 400 invalid_request when it is off (so a misdirected client learns why instead of getting a bare 401).
   */
  url?: string;
  /**
   * The caller's address (the socket peer, or what the framework's proxy settings make of it). Only reported with
   * API-token uses ("last used from"); never used for a decision. The adapters fill it in where the runtime knows it.
   */
  remoteAddress?: string;
  /** The request method (RFC 9110 9), which a DPoP proof's `htm` must be. Needed when the request uses DPoP. */
  method?: string;
  /**
   * The absolute URL the client addressed (RFC 9110 7.1 target URI): the API's public origin and the request path.
   * A DPoP proof's `htu` must be it, query and fragment aside (RFC 9449 4.3). Needed when the request uses DPoP; the
   * framework adapters fill it in (see ProtectOptions.publicUrl).
   */
  targetUri?: string;
}

/** Per-call options of verify() and authenticate(). */
export interface VerifyOptions {
  /**
   * The API this request is for, one of the verifier's audiences: the token must be for it, and `claims.aud` of the
   * verified token is it. For one verifier serving several APIs (as the gateway does), so an API token that reaches
   * several of them is judged for the one being called. Default: any of the verifier's audiences.
   */
  audience?: string;
  /** This API's DPoP mode; default the verifier's (`dpop.mode`). */
  dpop?: DpopMode;
  /** Whether this API requires DPoP server nonces; default the verifier's (`dpop.requireNonce`). */
  dpopNonce?: boolean;
}

export interface Verifier {
  /** The `realm` its refusals carry in WWW-Authenticate (the option, or the first audience). */
  readonly realm: string;
  /** Resolves once metadata and JWKS were fetched; rejects with a clear error if the issuer is unreachable at start. */
  ready(): Promise<void>;
  /** Verifies a bare token; throws BearerError (401 invalid_token ...) when refused. */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>;
  /** Extracts the token from the request (RFC 6750 2.1; 400 invalid_request for malformed headers) and verifies it. */
  authenticate(request: BearerRequest, options?: VerifyOptions): Promise<VerifiedToken>;
  /**
   * Whether the revocation stream is connected, and how long since it last heard from the server (any byte, pings
   * included; counted from start-up before the first byte). Without `client` there is no stream: staleMs is Infinity.
   */
  revocationStatus(): { connected: boolean; staleMs: number; revokedCount: number };
  /**
   * The DPoP nonce to send now in a `DPoP-Nonce` response header (RFC 9449 8.2) for an API that requires nonces
   * (`dpop.requireNonce`, or `{ dpopNonce: true }` per call), so the client's next proof carries a fresh one instead of
   * being refused with use_dpop_nonce. Undefined when the API requires none. The adapters send it on every answer.
   */
  dpopNonce(options?: VerifyOptions): string | undefined;
  /**
   * Takes `cost` credits of a verified API token that carries credits, at the server (the one authority for them,
   * exact across every verifier): the server's answer. Throws BearerError 503 when the server cannot be asked (never
   * admit then) and 401 when it no longer knows the token. Optional so a stand-in verifier need not have it.
   */
  consumeCredits?(token: VerifiedToken, cost: number): Promise<CreditsAnswer>;
  /**
   * Stops timers and the stream, and sends the pending API-token usage reports. Afterwards verify() still works for
   * JWTs with the keys already known, without any I/O; API tokens then fail with 503.
   */
  close(): Promise<void>;
}
