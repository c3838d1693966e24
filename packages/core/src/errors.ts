/**
 * One error model for the whole server. Each error has a stable `code`, the HTTP status it maps to,
 * the OAuth error name for the wire (RFC 6749 5.2, RFC 6750 3.1, RFC 7009 2.2.1, RFC 8707 2),
 * a public `description` safe to send to the client, and an optional private `detail` for logs only.
 * Never put a token, secret or password into either text.
 */
export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'server_error';

export interface TollgateErrorOptions {
  /** Private detail for logs; never sent to the client. */
  detail?: string;
  cause?: unknown;
}

export class TollgateError extends Error {
  readonly code: string;
  readonly status: number;
  readonly oauthError: OAuthErrorName;
  readonly description: string;
  readonly detail: string | undefined;

  constructor(
    code: string,
    status: number,
    oauthError: OAuthErrorName,
    description: string,
    options: TollgateErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.oauthError = oauthError;
    this.description = description;
    this.detail = options.detail;
  }
}

export class InvalidRequest extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_REQUEST', 400, 'invalid_request', description, options);
  }
}

/** How a client authenticates at the token, revocation and introspection endpoints (RFC 6749 2.3). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** RFC 6749 5.2. Whatever method the client tried, the HTTP layer answers with a Basic challenge (RFC 9110 15.5.2). */
export class InvalidClient extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_CLIENT', 401, 'invalid_client', description, options);
  }
}

export class InvalidGrant extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_GRANT', 400, 'invalid_grant', description, options);
  }
}

/** RFC 9449 5: the token request's DPoP proof is missing where required, or fails a check of 4.3. */
export class InvalidDpopProof extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_DPOP_PROOF', 400, 'invalid_dpop_proof', description, options);
  }
}

export class UnauthorizedClient extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_UNAUTHORIZED_CLIENT', 400, 'unauthorized_client', description, options);
  }
}

export class UnsupportedGrantType extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_UNSUPPORTED_GRANT_TYPE', 400, 'unsupported_grant_type', description, options);
  }
}

/** RFC 6749 4.1.2.1: the authorization endpoint serves `response_type=code` only. */
export class UnsupportedResponseType extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_UNSUPPORTED_RESPONSE_TYPE', 400, 'unsupported_response_type', description, options);
  }
}

/** RFC 6749 4.1.2.1: the user (or the server) refused the authorization request. */
export class AccessDenied extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_ACCESS_DENIED', 403, 'access_denied', description, options);
  }
}

export class InvalidScope extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_SCOPE', 400, 'invalid_scope', description, options);
  }
}

/** RFC 8707 section 2: the requested resource is unknown, malformed or not allowed. */
export class InvalidTarget extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_TARGET', 400, 'invalid_target', description, options);
  }
}

/** Brute-force protection refused the attempt; the HTTP layer sends 429 with `Retry-After`. */
export class TooManyAttempts extends TollgateError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, options?: TollgateErrorOptions) {
    super(
      'ERR_TOO_MANY_ATTEMPTS',
      429,
      'invalid_request',
      `Too many failed attempts; try again in ${retryAfterSeconds} seconds`,
      options,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A name already taken (API identifier, username, client name) in admin operations. */
export class Conflict extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_CONFLICT', 409, 'invalid_request', description, options);
  }
}

/** An admin operation named something that does not exist. */
export class NotFound extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_NOT_FOUND', 404, 'invalid_request', description, options);
  }
}

/**
 * The management surface (admin API, dashboard) needs a signed-in session and got none, or a sign-in failed. Unknown
 * user, wrong password and disabled user share one text, so the answer does not reveal which accounts exist.
 */
export class Unauthenticated extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('unauthenticated', 401, 'invalid_request', description, options);
  }
}

/** An admin operation asked for by someone who is not an admin. Never used to hide a resource: that is `NotFound`. */
export class Forbidden extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('forbidden', 403, 'access_denied', description, options);
  }
}

/**
 * RFC 6750 3.1 `invalid_token`: a bearer token presented to a protected resource of ours (the admin API) is
 * malformed, expired, revoked, for another audience, or its owner may no longer use it.
 */
export class InvalidToken extends TollgateError {
  constructor(description: string, options?: TollgateErrorOptions) {
    super('ERR_INVALID_TOKEN', 401, 'invalid_token', description, options);
  }
}

/** RFC 6750 3.1 `insufficient_scope`: a valid bearer token without the scope the operation needs (`requiredScope`). */
export class InsufficientScope extends TollgateError {
  readonly requiredScope: string;
  constructor(requiredScope: string, options?: TollgateErrorOptions) {
    super(
      'ERR_INSUFFICIENT_SCOPE',
      403,
      'insufficient_scope',
      `This operation needs the scope ${requiredScope}`,
      options,
    );
    this.requiredScope = requiredScope;
  }
}

/** The store is unreachable or failed; the client sees only a generic message. */
export class ServiceUnavailable extends TollgateError {
  constructor(options?: TollgateErrorOptions) {
    super(
      'ERR_UNAVAILABLE',
      503,
      'temporarily_unavailable',
      'The service is temporarily unavailable; try again',
      options,
    );
  }
}
