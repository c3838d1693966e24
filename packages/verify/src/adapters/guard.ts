/**
 * What every framework adapter shares: options checked once when the adapter is created, the check itself
 * (Verifier.authenticate, then requireScopes) and the RFC 6750 3 refusal each framework writes in its own way.
 * The adapters import their framework as types only, so the SDK never depends on a framework at runtime.
 */
import type { BearerError } from '../errors.js';
import { requireScopes } from '../scopes.js';
import type { BearerRequest, ScopeMode, Verifier, VerifiedToken } from '../types.js';

export interface ProtectOptions {
  /** Scopes the route needs (a space-delimited string or a list). Without them any valid token passes. */
  scopes?: string | readonly string[];
  /** `all` (default): every scope is needed; `any`: one of them is enough. */
  mode?: ScopeMode;
  /** `realm` of the WWW-Authenticate challenge. Default: the verifier's own (its first audience). */
  realm?: string;
}

/** An RFC 6750 3 refusal ready to write: status, headers, and a JSON body (empty for a bare challenge). */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Guard {
  readonly realm: string;
  /** Authenticates the request and checks the scopes; throws BearerError when refused. */
  check(request: BearerRequest): Promise<VerifiedToken>;
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
  return {
    realm,
    async check(request) {
      const token = await verifier.authenticate(request);
      checkScopes?.(token);
      return token;
    },
  };
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
  const headers: Record<string, string> = {
    'www-authenticate': error.challenge(realm),
    'cache-control': 'no-store',
  };
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
