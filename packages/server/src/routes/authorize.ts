/**
 * GET and POST /authorize (RFC 6749 4.1.1-4.1.2): the hosted sign-in page of the authorization code flow. GET checks
 * the request and shows the page; POST checks it again, with the form's CSRF token, and answers with a 303 to the
 * client's redirect URI carrying a code, or an error. Errors about the client or its redirect URI are shown on
 * an error page here and never redirected (RFC 6749 4.1.2.1). The checking is the core's; this route translates.
 */
import { randomBytes } from 'node:crypto';
import {
  AUTHORIZATION_PARAMETERS,
  AuthorizationRedirect,
  type AuthorizationRequest,
  ServiceUnavailable,
  TollgateError,
  TooManyAttempts,
  Unauthenticated,
} from '@tollgate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkSignInCsrf, csrfTokenFor } from '../authorize/csrf.js';
import { PAGE_SECURITY_HEADERS, errorPage, signInPage } from '../authorize/page.js';
import { collectParameters, parametersOf, type RequestParameters } from '../http/body.js';
import { refuseMethod } from '../http/endpoints.js';
import { RETRY_AFTER_SECONDS, asServiceUnavailable } from '../http/unavailable.js';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';

export const AUTHORIZE_PATH = '/authorize';

/** What the sign-in form sends besides the authorization request it carries. */
const FORM_PARAMETERS: ReadonlySet<string> = new Set([
  ...AUTHORIZATION_PARAMETERS,
  'username',
  'password',
  'decision',
  'csrf_token',
]);

type Authorizer = Pick<
  TollgateEndpoints,
  'checkAuthorization' | 'approveAuthorization' | 'denyAuthorization' | 'metadata'
>;

export function registerAuthorizeRoute(app: FastifyInstance, tollgate: Authorizer): void {
  app.route({
    method: ['GET', 'HEAD'],
    url: AUTHORIZE_PATH,
    errorHandler: sendError,
    handler: async (request, reply) => {
      const { params, resources } = queryParameters(request.url);
      const checked = await tollgate.checkAuthorization(params, resources);
      const csrf = csrfTokenFor(request, () => randomBytes(32).toString('base64url'));
      if (csrf.setCookie !== undefined) reply.header('set-cookie', csrf.setCookie);
      return sendPage(reply, 200, signInPage(checked, { csrfToken: csrf.token }));
    },
  });
  app.route({
    method: 'POST',
    url: AUTHORIZE_PATH,
    errorHandler: sendError,
    config: { parameters: FORM_PARAMETERS },
    handler: async (request, reply) => {
      const { params, resources } = parametersOf(request.body);
      checkSignInCsrf(request, String(tollgate.metadata().issuer), params.get('csrf_token'));
      // The form carries the authorization request it was shown for: checked again from scratch.
      const carried = new Map([...params].filter(([name]) => AUTHORIZATION_PARAMETERS.has(name)));
      const checked = await tollgate.checkAuthorization(carried, resources);
      if (params.get('decision') === 'deny') return redirect(reply, tollgate.denyAuthorization(checked));
      return signIn(tollgate, checked, params, request, reply);
    },
  });
  app.route({
    method: ['PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: AUTHORIZE_PATH,
    onRequest: refuseMethod('GET, HEAD, POST'),
    handler: async () => undefined,
  });
}

async function signIn(
  tollgate: Authorizer,
  checked: AuthorizationRequest,
  params: ReadonlyMap<string, string>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const username = params.get('username') ?? '';
  const csrfToken = params.get('csrf_token') ?? '';
  try {
    const location = await tollgate.approveAuthorization(
      checked,
      { username, password: params.get('password') ?? '' },
      request.ip,
    );
    return redirect(reply, location);
  } catch (error) {
    if (error instanceof Unauthenticated || error instanceof TooManyAttempts) {
      request.log.info({ code: error.code }, error.description);
      if (error instanceof TooManyAttempts) reply.header('retry-after', String(error.retryAfterSeconds));
      return sendPage(reply, error.status, signInPage(checked, { csrfToken, error: error.description, username }));
    }
    throw error;
  }
}

/** RFC 6749 3.1: the query's parameters, each at most once; `resource` may repeat (RFC 8707 2). */
function queryParameters(url: string): RequestParameters {
  const query = new URL(url, 'http://localhost').searchParams;
  return collectParameters([...query].filter(([name]) => AUTHORIZATION_PARAMETERS.has(name)));
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.headers(PAGE_SECURITY_HEADERS).code(303).header('location', location).send();
}

function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.headers(PAGE_SECURITY_HEADERS).code(status).type('text/html; charset=utf-8').send(page);
}

/** A redirectable error goes to the client; anything else is a page here, generic for a server failure. */
function sendError(thrown: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (thrown instanceof AuthorizationRedirect) {
    request.log.info({ code: thrown.error.code }, thrown.error.description);
    return redirect(reply, thrown.location);
  }
  const error = asServiceUnavailable(thrown);
  if (error instanceof ServiceUnavailable) {
    request.log.warn({ code: error.code, detail: error.detail }, error.description);
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendPage(reply, 503, errorPage(error.description));
  }
  if (error instanceof TollgateError && error.status < 500) {
    request.log.info({ code: error.code, detail: error.detail }, error.description);
    return sendPage(reply, error.status, errorPage(error.description));
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('FST_') && (error as { statusCode?: number }).statusCode === 415) {
    return sendPage(reply, 400, errorPage('The sign-in form must be sent as application/x-www-form-urlencoded'));
  }
  request.log.error({ err: error }, 'request failed');
  return sendPage(reply, 500, errorPage('The server failed to process the request'));
}
