/**
 * The admin API's error envelope (docs/admin-api.md, "Errors"): `{"error", "error_description"}` with the admin
 * vocabulary (`unauthenticated`, `forbidden`, `csrf_failed`, `not_found`, `conflict`, `too_many_requests`, ...)
 * instead of RFC 6749's. Statuses and public texts come from the core's errors; 5xx bodies stay generic.
 */
import { ServiceUnavailable, TollgateError, TooManyAttempts } from '@tollgate/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody, RenderedError } from './errors.js';
import { RETRY_AFTER_SECONDS } from './unavailable.js';

/** A state-changing request without the session's CSRF token, or from another origin. */
export class CsrfFailed extends TollgateError {
  constructor(description: string) {
    super('ERR_CSRF_FAILED', 403, 'invalid_request', description);
  }
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
  return NAME_BY_STATUS[error.status] ?? 'invalid_request';
}

function fastifyError(error: FastifyError, bodyLimitBytes: number): RenderedError | undefined {
  const invalid = (status: number, description: string): RenderedError => ({
    status,
    body: { error: 'invalid_request', error_description: description },
    headers: {},
  });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalid(413, `The request body is larger than ${bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalid(400, 'Content-Type must be application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid(400, 'The Content-Length header does not match the body');
    default:
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return invalid(error.statusCode === 413 ? 413 : 400, 'The request is malformed');
      }
      return undefined;
  }
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
    return {
      status: error.status,
      body: { error: adminErrorName(error), error_description: error.description },
      headers,
    };
  }
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code.startsWith('FST_')) {
    const rendered = fastifyError(error as FastifyError, bodyLimitBytes);
    if (rendered) return rendered;
  }
  return { status: 500, body: SERVER_ERROR, headers: {} };
}

export function adminNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({ error: 'not_found', error_description: 'There is no admin API endpoint at this path' });
}
