/**
 * Every error leaves the server as RFC 6749 5.2 JSON: `{"error", "error_description"}`. Tollgate's own
 * errors carry their status and public text; Fastify's transport errors are translated; a database that
 * cannot be reached is a 503 `temporarily_unavailable`; anything else is a generic 500 whose detail stays
 * in the log. No stack trace or internal message reaches a client.
 */
import { ServiceUnavailable, TollgateError, TooManyAttempts } from '@tollgate/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ACCEPTED_CONTENT_TYPES } from './body.js';
import { RETRY_AFTER_SECONDS, asServiceUnavailable } from './unavailable.js';

export const BASIC_CHALLENGE = 'Basic realm="tollgate"';

export interface ErrorBody {
  error: string;
  error_description: string;
}

export interface RenderedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

const SERVER_ERROR: ErrorBody = {
  error: 'server_error',
  error_description: 'The server failed to process the request',
};

/**
 * Fastify's own errors that mean the client sent something we will not take, for a surface accepting
 * `acceptedContentTypes` (the OAuth endpoints' two, or the admin API's JSON).
 */
export function fastifyClientError(
  error: FastifyError,
  bodyLimitBytes: number,
  acceptedContentTypes: readonly string[] = ACCEPTED_CONTENT_TYPES,
): RenderedError | undefined {
  const invalid = (status: number, description: string): RenderedError => ({
    status,
    body: { error: 'invalid_request', error_description: description },
    headers: {},
  });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalid(413, `The request body is larger than ${bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalid(400, `Content-Type must be ${acceptedContentTypes.join(' or ')}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalid(400, 'The JSON body is malformed');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid(400, 'The Content-Length header does not match the body');
    default:
      // Other 4xx raised by Fastify (bad URL, aborted upload, ...): the request itself is at fault.
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return invalid(error.statusCode === 413 ? 413 : 400, 'The request is malformed');
      }
      return undefined;
  }
}

export function renderError(error: unknown, bodyLimitBytes: number): RenderedError {
  if (error instanceof TollgateError) {
    const headers: Record<string, string> = {};
    // RFC 9110 15.5.2: every 401 carries a challenge. Whatever the client tried (Basic, client_secret_post or
    // nothing), HTTP Basic is the scheme these endpoints accept (RFC 6749 2.3.1, 5.2).
    if (error.status === 401) headers['www-authenticate'] = BASIC_CHALLENGE;
    if (error instanceof TooManyAttempts) headers['retry-after'] = String(error.retryAfterSeconds);
    if (error instanceof ServiceUnavailable) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
    return { status: error.status, body: { error: error.oauthError, error_description: error.description }, headers };
  }
  if (isFastifyError(error)) {
    const rendered = fastifyClientError(error, bodyLimitBytes);
    if (rendered) return rendered;
  }
  return { status: 500, body: SERVER_ERROR, headers: {} };
}

function isFastifyError(error: unknown): error is FastifyError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FST_');
}

export type ErrorRenderer = (error: unknown, bodyLimitBytes: number) => RenderedError;

/**
 * Fastify error handler: renders (RFC 6749 JSON by default; the admin API passes its own envelope), and logs what
 * the client does not see. A route with its own body limit reports that limit.
 */
export function createErrorHandler(bodyLimitBytes: number, render: ErrorRenderer = renderError) {
  return function handleError(thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const error = asServiceUnavailable(thrown);
    const rendered = render(error, request.routeOptions.bodyLimit ?? bodyLimitBytes);
    if (error instanceof ServiceUnavailable) {
      // Expected while the database is away; one line per request, without a stack.
      request.log.warn({ code: error.code, detail: error.detail }, error.description);
    } else if (rendered.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (error instanceof TollgateError) {
      request.log.info({ code: error.code, detail: error.detail }, error.description);
    } else {
      request.log.info({ code: (error as { code?: unknown }).code }, rendered.body.error_description);
    }
    reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  };
}

export function notFound(_request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({ error: 'invalid_request', error_description: 'There is no endpoint at this path' });
}
