/**
 * What every framework adapter shares: options checked once when the adapter is created, the check itself
 * (Verifier.authenticate, then requireScopes) and the RFC 6750 3 refusal each framework writes in its own way.
 * The adapters import their framework as types only, so the SDK never depends on a framework at runtime.
 */
import { LazyTargetBearerRequest } from '../bearer-request.js';
import type { BearerError } from '../errors.js';
import { QuotaExceeded, rateLimitHeaders } from '../quota.js';
import { requireScopes } from '../scopes.js';
import { type QuotaPlan, quotaPlan } from './guard-quotas.js';
import type { BearerRequest, DpopMode, ScopeMode, Verifier, VerifiedToken, VerifyOptions } from '../types.js';

export interface ProtectOptions {
  /** Scopes the route needs (a space-delimited string or a list). Without them any valid token passes. */
  scopes?: string | readonly string[];
  /** `all` (default): every scope is needed; `any`: one of them is enough. */
  mode?: ScopeMode;
  /** `realm` of the WWW-Authenticate challenge. Default: the verifier's own (its first audience). */
  realm?: string;
  /**
   * The public URL of the app's root, e.g. `https://api.example.com` (or `https://example.com/api` when a proxy
   * mounts the app there): DPoP proofs must name it plus the request path (RFC 9449 4.3 `htu`). Without it the
   * origin is the framework's view of the request: the Host header, and X-Forwarded-* only where the framework's
   * own proxy setting trusts them (Express `trust proxy`, Fastify `trustProxy`). Set it: the Host header is the
   * client's choice, so without it a proof made for another host of the same path passes here.
   */
  publicUrl?: string;
  /** This API's DPoP mode (`allowed` or `required`); default the verifier's. */
  dpop?: DpopMode;
  /** Whether this API requires DPoP server nonces; default the verifier's. */
  dpopNonce?: boolean;
  /** Credits a request here costs an API token that carries credits: 1 to 1,000,000. Default 1. */
  cost?: number;
  /**
   * A per-token rate limit for this API (`{ requests, windowSeconds }`). An API token's own limit replaces it.
   * Default: none, so only tokens with their own limit are limited.
   */
  rateLimit?: { requests: number; windowSeconds: number };
  /**
   * Where rate-limit hits are counted: default an in-memory counter for this guard. Pass a RedisWindowCounter
   * (@tollgate/redis) to share the limits among every instance of the API.
   */
  rateLimitCounter?: QuotaPlan['counter'];
}

/** What an adapter knows of a request; the guard turns it into the BearerRequest the verifier checks. */
export interface AdapterRequest {
  headers: BearerRequest['headers'];
  method?: string | undefined;
  /** The request target as the app sees it: a path and query. */
  url?: string | undefined;
  remoteAddress?: string | undefined;
  /** The framework's idea of the request's origin (`https://host:port`), used when there is no publicUrl. */
  origin?: () => string | undefined;
}

/** An RFC 6750 3 refusal ready to write: status, headers, and a JSON body (empty for a bare challenge). */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Guard {
  readonly realm: string;
  /** Authenticates the request and checks the scopes and quotas; throws BearerError when refused. */
  check(request: AdapterRequest): Promise<VerifiedToken>;
  /**
   * The same, with the headers an admitted request's answer carries: `DPoP-Nonce` (RFC 9449 8.2) when this API
   * requires nonces, and RateLimit-* when a quota applied. The adapters that write the answer send them.
   */
  admit(request: AdapterRequest): Promise<{ token: VerifiedToken; headers: Record<string, string> }>;
  /** The `DPoP-Nonce` to send with an answer (RFC 9449 8.2), when this API requires nonces. */
  dpopNonce(): string | undefined;
}

/** RFC 6749 3.3 scope-token, as requireScopes checks it. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const REALM = /^[\x20-\x7E]+$/;
const FALLBACK_REALM = 'api';

export function createGuard(verifier: Verifier, options: ProtectOptions = {}): Guard {
  if (typeof verifier?.authenticate !== 'function') throw new TypeError('verifier must come from createVerifier()');
  const checkScopes = options.scopes === undefined ? undefined : scopeCheck(options.scopes, options.mode);
  if (options.scopes === undefined) modeOption(options.mode);
  const realm = realmOption(options.realm) ?? realmOf(verifier);
  const publicUrl = publicUrlOption(options.publicUrl);
  const verifyOptions = dpopOptions(options);
  const quotas = quotaPlan(verifier, options);
  const guard: Guard = {
    realm,
    async check(request) {
      return (await guard.admit(request)).token;
    },
    async admit(request) {
      const { headers, method, url, remoteAddress, origin } = request;
      // The target URI is read only to check a DPoP proof, so a bearer request never builds it. An unknown origin (no
      // Host header) makes an unusable URI: a DPoP proof is then refused, never a 500.
      const bearerRequest = new LazyTargetBearerRequest(
        { headers, url, method, remoteAddress },
        () => `${publicUrl ?? origin?.() ?? ''}${pathOf(url)}`,
      );
      const token = await verifier.authenticate(bearerRequest, verifyOptions);
      checkScopes?.(token);
      const decision = await quotas.enforce(token);
      const answerHeaders = decision === undefined ? {} : rateLimitHeaders(decision);
      // RFC 9449 8.2: a fresh nonce with every answer, so the client's next proof is not refused for an old one.
      const nonce = guard.dpopNonce();
      if (nonce !== undefined) answerHeaders['DPoP-Nonce'] = nonce;
      return { token, headers: answerHeaders };
    },
    // Optional chaining: a stand-in verifier in a test may not have it.
    dpopNonce: () => verifier.dpopNonce?.(verifyOptions),
  };
  return guard;
}

/** The path of a request target; an absolute-form target (RFC 9112 3.2.2) keeps only its path, never its host. */
function pathOf(url: string | undefined): string {
  if (url === undefined || url.startsWith('/')) return url ?? '/';
  return URL.canParse(url) ? new URL(url).pathname : '/';
}

function publicUrlOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new TypeError('options.publicUrl must be an http(s) URL without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function dpopOptions(options: ProtectOptions): VerifyOptions | undefined {
  const { dpop, dpopNonce } = options;
  if (dpop !== undefined && dpop !== 'allowed' && dpop !== 'required') {
    throw new TypeError("options.dpop must be 'allowed' or 'required'");
  }
  if (dpopNonce !== undefined && typeof dpopNonce !== 'boolean')
    throw new TypeError('options.dpopNonce must be a boolean');
  if (dpop === undefined && dpopNonce === undefined) return undefined;
  return { ...(dpop === undefined ? {} : { dpop }), ...(dpopNonce === undefined ? {} : { dpopNonce }) };
}

/** A scope check with its options validated now: throws BearerError 403 insufficient_scope when it fails. */
export function scopeCheck(scopes: string | readonly string[], mode?: ScopeMode): (token: VerifiedToken) => void {
  const required = scopesOption(scopes);
  const checkedMode = modeOption(mode);
  return (token) => requireScopes(token, required, checkedMode);
}

/** A realm option checked now; undefined when not given. */
export function realmOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !REALM.test(value)) {
    throw new TypeError('options.realm must be a non-empty string of printable ASCII characters');
  }
  return value;
}

/** The configured realm lives in the verifier. */
export function realmOf(verifier: Verifier | undefined): string {
  return verifier?.realm ?? FALLBACK_REALM;
}

/** RFC 6750 3: the challenge in WWW-Authenticate and the same error as JSON; never cached (RFC 9111 5.2.2.5). */
export function refusalOf(error: BearerError, realm: string): Refusal {
  // A 429 is no RFC 6750 refusal: no challenge, its RateLimit-* and Retry-After headers instead.
  if (error instanceof QuotaExceeded) {
    const headers = {
      ...error.headers,
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
    };
    return { status: error.status, headers, body: JSON.stringify(error.body()) };
  }
  const headers: Record<string, string> = {
    'www-authenticate': error.challenge(realm),
    'cache-control': 'no-store',
  };
  // RFC 9449 9: the nonce a use_dpop_nonce refusal asks the client to use.
  if (error.dpopNonce !== undefined) headers['dpop-nonce'] = error.dpopNonce;
  const body = error.body();
  if (body === null) return { status: error.status, headers, body: '' };
  headers['content-type'] = 'application/json; charset=utf-8';
  return { status: error.status, headers, body: JSON.stringify(body) };
}

/** A refusal as a fetch Response (Hono, the fetch adapter). */
export function refusalResponse(error: BearerError, realm: string): Response {
  const refusal = refusalOf(error, realm);
  return new Response(refusal.body === '' ? null : refusal.body, {
    status: refusal.status,
    headers: refusal.headers,
  });
}

function scopesOption(value: string | readonly string[]): readonly string[] {
  const list = typeof value === 'string' ? value.split(' ').filter((scope) => scope !== '') : value;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('scopes must name at least one scope');
  for (const scope of list) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError('each scope must be an RFC 6749 scope-token (printable ASCII, no space, " or \\)');
    }
  }
  return Object.freeze([...list]);
}

function modeOption(value: unknown): ScopeMode {
  if (value === undefined) return 'all';
  if (value !== 'all' && value !== 'any') throw new TypeError("mode must be 'all' or 'any'");
  return value;
}
