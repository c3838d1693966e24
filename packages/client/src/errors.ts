/**
 * One error model for the client. Every error carries a stable `code` for programs and logs; those that come from
 * an OAuth answer carry its `error` and `error_description` too. Caller mistakes (a bad option) are plain
 * TypeErrors, kept apart. No token, secret, code or verifier ever goes into a message: messages land in logs.
 */

export type ClientErrorCode =
  /** The authorization server answered an OAuth error (RFC 6749 5.2, 4.1.2.1). */
  | 'ERR_OAUTH'
  /** An API refused the access token (RFC 6750 3.1 invalid_token), after the one refresh-and-retry. */
  | 'ERR_INVALID_TOKEN'
  /** An API needs a scope the token lacks (RFC 6750 3.1 insufficient_scope). */
  | 'ERR_INSUFFICIENT_SCOPE'
  /** No tokens to use or renew: sign in (again). */
  | 'ERR_LOGIN_REQUIRED'
  /** A response the client cannot use: not JSON, missing fields, an unexpected status. */
  | 'ERR_RESPONSE_INVALID'
  /** An authorization response whose `state` is not the one sent (RFC 6749 10.12: possible CSRF). */
  | 'ERR_STATE_MISMATCH'
  /** An authorization response from another issuer, or without the `iss` the server promised (RFC 9207). */
  | 'ERR_ISSUER_MISMATCH'
  /** No pending authorization request to complete (the browser helper's sessionStorage entry is gone). */
  | 'ERR_NO_PENDING_AUTHORIZATION'
  /** The loopback helper saw no redirect in time. */
  | 'ERR_LOOPBACK_TIMEOUT';

export class ClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}

export interface OAuthErrorInit {
  /** The OAuth error code: `invalid_grant`, `invalid_token`, `access_denied`, ... */
  error: string;
  errorDescription?: string | undefined;
  /** The HTTP status, when the error came over HTTP (not for an authorization response in a redirect). */
  status?: number | undefined;
  /** The response, when there was one: its body may already be read. */
  response?: Response | undefined;
  /** What the error came from: an axios error, say. */
  cause?: unknown;
}

/** An OAuth error answered by the server: `error`, `errorDescription` and `status` as it sent them. */
export class OAuthError extends ClientError {
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly status: number | undefined;
  readonly response: Response | undefined;

  constructor(init: OAuthErrorInit, code: ClientErrorCode = 'ERR_OAUTH') {
    const detail = init.errorDescription === undefined ? '' : `: ${init.errorDescription}`;
    super(code, `${init.error}${detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OAuthError';
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.status = init.status;
    this.response = init.response;
  }
}

/** An API refused the access token twice: once as it was, once just after a refresh (RFC 6750 3.1). */
export class InvalidTokenError extends OAuthError {
  constructor(init: Omit<OAuthErrorInit, 'error'>) {
    super({ ...init, error: 'invalid_token' }, 'ERR_INVALID_TOKEN');
    this.name = 'InvalidTokenError';
  }
}

/**
 * An API needs more scope than the token has (RFC 6750 3.1). `requiredScopes` is what its WWW-Authenticate `scope`
 * attribute named (RFC 6750 3), empty when it named none. Refreshing cannot help: ask for the scope when signing in.
 */
export class InsufficientScopeError extends OAuthError {
  readonly requiredScopes: readonly string[];

  constructor(init: Omit<OAuthErrorInit, 'error'> & { requiredScopes: readonly string[] }) {
    super({ ...init, error: 'insufficient_scope' }, 'ERR_INSUFFICIENT_SCOPE');
    this.name = 'InsufficientScopeError';
    this.requiredScopes = Object.freeze([...init.requiredScopes]);
  }
}

/** No tokens, or none that can be renewed (no refresh token, or the server refused it): sign in again. */
export class LoginRequiredError extends ClientError {
  constructor(message = 'No tokens: sign in first', options?: { cause?: unknown }) {
    super('ERR_LOGIN_REQUIRED', message, options);
    this.name = 'LoginRequiredError';
  }
}
