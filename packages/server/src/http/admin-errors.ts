/**
 * The admin API's error envelope (docs/admin-api.md, "Errors"): `{"error", "error_description"}` with the admin
 * vocabulary (`unauthenticated`, `forbidden`, `csrf_failed`, `not_found`, `conflict`, `too_many_requests`, ...)
 * instead of RFC 6749's. Statuses and public texts come from the core's errors; 5xx bodies stay generic.
 */
import { InsufficientScope, ServiceUnavailable, TollgateError, TooManyAttempts } from '@tollgate/core';
import { BearerError } from '@tollgate/verify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, fastifyClientError, type RenderedError } from './errors.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { RETRY_AFTER_SECONDS } from './unavailable.js';

/**
 * RFC 9110 15.5.2: a 401 carries a challenge. The admin API authenticates by session cookie, which has no registered
 * HTTP scheme; `Cookie` with `form-action` and `cookie-name` follows draft-broyer-http-cookie-auth, and, unlike
 * `Basic`, makes no browser open a password dialog. Documented in docs/admin-api.md.
 */
export const SESSION_CHALLENGE = `Cookie realm="tollgate-admin", form-action="/api/v1/session", cookie-name="${SESSION_COOKIE}"`;

/** A state-changing request without the session's CSRF token, or from another origin. */
export class CsrfFailed extends TollgateError {
  constructor(description: string) {
    super('ERR_CSRF_FAILED', 403, 'invalid_request', description);
  }
}

/** RFC 6750 3.1 invalid_request: an Authorization header that tries Bearer but is malformed, or more than one. */
export class MalformedBearer extends TollgateError {
  constructor(description: string) {
    super('ERR_BEARER_MALFORMED', 400, 'invalid_request', description);
  }
}

/** Realm of the admin API's challenges, Cookie and Bearer alike. */
const ADMIN_REALM = 'tollgate-admin';

/**
 * RFC 6750 3: refusals of a bearer request carry a `Bearer` challenge with the error, and `scope` for
 * insufficient_scope; undefined for every other error (a 401 then gets the session challenge).
 */
function bearerChallenge(error: TollgateError): string | undefined {
  const bearerError = error.oauthError === 'invalid_token' || error.oauthError === 'insufficient_scope';
  if (!bearerError && !(error instanceof MalformedBearer)) return undefined;
  return new BearerError({
    status: error.status as 400 | 401 | 403,
    error: error.oauthError as 'invalid_request' | 'invalid_token' | 'insufficient_scope',
    description: error.description,
    // Only the challenge is used, which does not carry the code.
    code: 'ERR_BEARER_MALFORMED',
    ...(error instanceof InsufficientScope ? { scope: error.requiredScope } : {}),
  }).challenge(ADMIN_REALM);
}

const NAME_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'invalid_request',
  409: 'conflict',
  413: 'invalid_request',
  415: 'invalid_request',
  429: 'too_many_requests',
};

const SERVER_ERROR: ErrorBody = {
  error: 'server_error',
  error_description: 'The server failed to process the request',
};

function adminErrorName(error: TollgateError): string {
  if (error.code === 'ERR_CSRF_FAILED') return 'csrf_failed';
  if (error.oauthError === 'invalid_token' || error.oauthError === 'insufficient_scope') return error.oauthError;
  return NAME_BY_STATUS[error.status] ?? 'invalid_request';
}

export function renderAdminError(error: unknown, bodyLimitBytes: number): RenderedError {
  if (error instanceof ServiceUnavailable) {
    // Same name as on the OAuth endpoints: a client retries both the same way.
    return {
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: error.description },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
  if (error instanceof TollgateError) {
    if (error.status >= 500) return { status: error.status, body: SERVER_ERROR, headers: {} };
    const headers: Record<string, string> = {};
    // RFC 6585 4: 429 may say when to try again.
    if (error instanceof TooManyAttempts) headers['retry-after'] = String(error.retryAfterSeconds);
    const challenge = bearerChallenge(error) ?? (error.status === 401 ? SESSION_CHALLENGE : undefined);
    if (challenge !== undefined) headers['www-authenticate'] = challenge;
    return {
      status: error.status,
      body: { error: adminErrorName(error), error_description: error.description },
      headers,
    };
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code.startsWith('FST_')) {
    const rendered = fastifyClientError(error as FastifyError, bodyLimitBytes, ['application/json']);
    if (rendered) return rendered;
  }
  return { status: 500, body: SERVER_ERROR, headers: {} };
}

export function adminNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({ error: 'not_found', error_description: 'There is no admin API endpoint at this path' });
}
