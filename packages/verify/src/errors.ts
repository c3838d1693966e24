/**
 * RFC 6750 3 refusals. One class carries everything a transport needs: the HTTP status, the RFC 6750 error code, a
 * client-safe description, the `scope` attribute, and a stable `code` for programs and logs. Nothing taken from a
 * token or a header value ever goes into a message.
 */
import type { DpopErrorCode, DpopProofError, TokenErrorCode, TokenValidationError } from '@tollgate/jwt';
import { renderChallenge } from './challenge.js';

export type BearerErrorStatus = 400 | 401 | 403 | 429 | 503;
/** RFC 6750 3.1, plus RFC 9449 7.1 and 9 for refused DPoP proofs and nonces. */
export type BearerErrorName =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  /** Tollgate extension codes of a 429 (quota.ts): answered in a JSON body, never in a challenge. */
  | 'credits_exhausted'
  | 'rate_limited';

/** Which authentication scheme a refusal is about: the one the request used (RFC 9449 7.1, 7.2). */
export type AuthScheme = 'Bearer' | 'DPoP';

/**
 * The schemes the refusing API accepts, each challenged in the one WWW-Authenticate header (RFC 9110 11.6.1,
 * RFC 9449 7.2): `Bearer` when plain bearer tokens are accepted, `DPoP` (with its `algs`) when proofs are.
 */
export interface AcceptedSchemes {
  bearer: boolean;
  /** The proof algorithms, when DPoP is accepted. */
  dpopAlgorithms: readonly string[] | undefined;
}

const BEARER_ONLY: AcceptedSchemes = Object.freeze({ bearer: true, dpopAlgorithms: undefined });

/** Stable codes: the token codes of @tollgate/jwt plus the verifier's own. */
export type BearerErrorCode =
  | TokenErrorCode
  | 'ERR_BEARER_MISSING'
  /** An Authorization header with another scheme (`Basic`, `Digest`, ...): no Bearer credentials either. */
  | 'ERR_BEARER_OTHER_SCHEME'
  | 'ERR_BEARER_MALFORMED'
  | 'ERR_BEARER_QUERY_REFUSED'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_SCOPE_INSUFFICIENT'
  | 'ERR_REVOCATIONS_STALE'
  | 'ERR_KEYS_UNAVAILABLE'
  /** A `tg_` token that fails the local format check (prefix, length, charset, checksum); no request was made. */
  | 'ERR_API_TOKEN_MALFORMED'
  /** A `tg_` token reached a verifier without `client` credentials, which API tokens need (introspection). */
  | 'ERR_API_TOKEN_NOT_CONFIGURED'
  /** Introspection answered `active: false`: unknown, expired, revoked or regenerated. */
  | 'ERR_API_TOKEN_INACTIVE'
  /** Introspection failed (server down, 5xx, refused our credentials, unusable answer): never a reason to accept. */
  | 'ERR_INTROSPECTION_UNAVAILABLE'
  /** The server could not be asked to take an API token's credits: never a reason to accept (fail closed). */
  | 'ERR_CREDITS_UNAVAILABLE'
  /** The token's credits do not cover the request's cost (429). */
  | 'ERR_CREDITS_EXHAUSTED'
  /** The token's own (or the API's per-token) rate limit is used up for this window (429). */
  | 'ERR_RATE_LIMITED'
  /** Refused DPoP proofs (RFC 9449 4.3), replays and nonces: the codes of @tollgate/jwt's DpopProofError. */
  | DpopErrorCode
  /** The API takes only DPoP-bound tokens (`dpop: 'required'`) and the request used `Bearer`. */
  | 'ERR_DPOP_REQUIRED'
  /** A DPoP-bound token (`cnf.jkt`) presented as a plain bearer token (RFC 9449 7.2). */
  | 'ERR_TOKEN_DPOP_BOUND'
  /** The `DPoP` scheme with a token bound to no key. */
  | 'ERR_TOKEN_NOT_DPOP_BOUND'
  /** More than one DPoP header, or one with the `Bearer` scheme's grammar broken under `DPoP`. */
  | 'ERR_DPOP_HEADER_MALFORMED';

export interface BearerErrorInit {
  status: BearerErrorStatus;
  error: BearerErrorName | undefined;
  description?: string;
  /** Space-delimited scopes for the `scope` attribute (insufficient_scope only). */
  scope?: string;
  code: BearerErrorCode;
  /** The scheme the error attributes belong to. Default `Bearer`. */
  scheme?: AuthScheme;
  /** The schemes challenged. Default: Bearer only. */
  accepted?: AcceptedSchemes;
  /** RFC 9449 9: the nonce to send in `DPoP-Nonce` (with use_dpop_nonce). */
  dpopNonce?: string;
}

/** The client-facing sentence for each token code (RFC 6750 3 `error_description`). */
const TOKEN_DESCRIPTIONS: Readonly<Record<TokenErrorCode, string>> = {
  ERR_TOKEN_MALFORMED: 'The access token is malformed',
  ERR_TOKEN_HEADER_NOT_ALLOWED: 'The access token is malformed',
  ERR_TOKEN_ALG_NOT_ALLOWED: 'The access token signature is invalid',
  // Not "signature invalid": the client (or its operator) can act on this one, e.g. a key retired as compromised.
  ERR_TOKEN_UNKNOWN_KEY: 'The access token is signed with an unknown signing key',
  ERR_TOKEN_SIGNATURE_INVALID: 'The access token signature is invalid',
  ERR_TOKEN_TYPE_INVALID: 'The token is not an access token',
  ERR_TOKEN_CLAIM_INVALID: 'The access token has a missing or invalid claim',
  ERR_TOKEN_ISSUER_INVALID: 'The access token was not issued by the expected issuer',
  ERR_TOKEN_AUDIENCE_INVALID: 'The access token is not for this API',
  ERR_TOKEN_EXPIRED: 'The access token expired',
  ERR_TOKEN_NOT_YET_VALID: 'The access token is not valid yet',
  ERR_TOKEN_LIFETIME_TOO_LONG: 'The access token is valid for longer than this API allows',
};

export class BearerError extends Error {
  readonly status: BearerErrorStatus;
  /** Undefined for a request that carried no token at all: a bare challenge (RFC 6750 3.1). */
  readonly error: BearerErrorName | undefined;
  readonly description: string | undefined;
  readonly scope: string | undefined;
  /** Stable, for programs and logs; not part of the wire format. */
  readonly code: BearerErrorCode;
  /** The scheme the request used, whose challenge carries the error attributes. */
  readonly scheme: AuthScheme;
  readonly accepted: AcceptedSchemes;
  /** A fresh server nonce for the `DPoP-Nonce` response header (RFC 9449 9), with use_dpop_nonce. */
  readonly dpopNonce: string | undefined;

  constructor(init: BearerErrorInit) {
    super(init.description ?? 'No access token was presented');
    this.name = 'BearerError';
    this.status = init.status;
    this.error = init.error;
    this.description = init.description;
    this.scope = init.scope;
    this.code = init.code;
    this.scheme = init.scheme ?? 'Bearer';
    this.accepted = init.accepted ?? BEARER_ONLY;
    this.dpopNonce = init.dpopNonce;
  }

  /** The same refusal, challenged for the schemes an API accepts and about the scheme the request used. */
  withScheme(accepted: AcceptedSchemes, scheme: AuthScheme = this.scheme, dpopNonce = this.dpopNonce): BearerError {
    const { status, error, description, scope, code } = this;
    const init: BearerErrorInit = { status, error, code, scheme, accepted };
    if (description !== undefined) init.description = description;
    if (scope !== undefined) init.scope = scope;
    if (dpopNonce !== undefined) init.dpopNonce = dpopNonce;
    return new BearerError(init);
  }

  /** A refused DPoP proof (RFC 9449 4.3, 7.1): invalid_dpop_proof, use_dpop_nonce or, for the key binding, invalid_token. */
  static fromDpop(error: DpopProofError): BearerError {
    return new BearerError({
      status: 401,
      error: error.error,
      description: error.description,
      code: error.code,
      scheme: 'DPoP',
    });
  }

  /** No credentials at all: 401 with a bare `Bearer realm` challenge and no error code (RFC 6750 3). */
  static missing(): BearerError {
    return new BearerError({ status: 401, error: undefined, code: 'ERR_BEARER_MISSING' });
  }

  /**
   * Credentials of another scheme (RFC 6750 3.1: "attempted using an unsupported authentication method"): no Bearer
   * credentials at all, so the same bare challenge as missing(), under its own code for logs.
   */
  static otherScheme(): BearerError {
    return new BearerError({ status: 401, error: undefined, code: 'ERR_BEARER_OTHER_SCHEME' });
  }

  /** RFC 6750 3.1 invalid_request: a malformed request, answered with 400. */
  static invalidRequest(description: string, code: BearerErrorCode = 'ERR_BEARER_MALFORMED'): BearerError {
    return new BearerError({ status: 400, error: 'invalid_request', description, code });
  }

  /** RFC 6750 3.1 invalid_token: 401. */
  static invalidToken(description: string, code: BearerErrorCode): BearerError {
    return new BearerError({ status: 401, error: 'invalid_token', description, code });
  }

  /** Maps a refusal of the validation module to invalid_token with a fixed client-safe sentence. */
  static fromValidation(error: TokenValidationError): BearerError {
    return BearerError.invalidToken(TOKEN_DESCRIPTIONS[error.code], error.code);
  }

  static revoked(): BearerError {
    return BearerError.invalidToken('The access token was revoked', 'ERR_TOKEN_REVOKED');
  }

  /** RFC 6750 3.1 insufficient_scope: 403, with the scopes the resource needs in the `scope` attribute. */
  static insufficientScope(requiredScopes: readonly string[], mode: 'all' | 'any'): BearerError {
    const description =
      mode === 'all' || requiredScopes.length === 1
        ? 'The access token lacks a scope this resource requires'
        : 'The access token has none of the scopes this resource accepts';
    return new BearerError({
      status: 403,
      error: 'insufficient_scope',
      description,
      scope: requiredScopes.join(' '),
      code: 'ERR_SCOPE_INSUFFICIENT',
    });
  }

  /** 503: the verifier cannot currently decide (fail-closed staleness, or keys never fetched). */
  static unavailable(description: string, code: BearerErrorCode): BearerError {
    return new BearerError({ status: 503, error: 'temporarily_unavailable', description, code });
  }

  /**
   * The `WWW-Authenticate` value (RFC 6750 3, RFC 9449 7.1): a challenge per accepted scheme in one header, the error
   * attributes only on the scheme the request used, e.g.
   * `Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", error_description="...", algs="ES256 EdDSA"`.
   */
  challenge(realm: string): string {
    const { error, description, scope, accepted } = this;
    const attributes = error === undefined ? {} : { error, description, scope };
    // An error about a scheme this API does not challenge (a malformed `Bearer` header where only DPoP is taken)
    // goes on the one it does, so it is never lost.
    const scheme =
      accepted.bearer && (this.scheme === 'Bearer' || accepted.dpopAlgorithms === undefined) ? 'Bearer' : 'DPoP';
    const challenges: string[] = [];
    if (accepted.bearer) {
      challenges.push(renderChallenge('Bearer', scheme === 'Bearer' ? { realm, ...attributes } : { realm }));
    }
    const algs = accepted.dpopAlgorithms;
    if (algs !== undefined) {
      challenges.push(renderChallenge('DPoP', scheme === 'DPoP' ? { realm, ...attributes, algs } : { realm, algs }));
    }
    return challenges.join(', ');
  }

  /** JSON body `{error, error_description, scope?}`; null for a bare challenge, which has no body to speak of. */
  body(): { error: string; error_description?: string; scope?: string } | null {
    if (this.error === undefined) return null;
    const body: { error: string; error_description?: string; scope?: string } = { error: this.error };
    if (this.description !== undefined) body.error_description = this.description;
    if (this.scope !== undefined) body.scope = this.scope;
    return body;
  }
}
