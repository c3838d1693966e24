/**
 * Login CSRF defence for the sign-in form (OWASP: a pre-session synchronizer token): GET /authorize sets a random
 * token in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, so no other site can set, read or send it) and puts
 * the same token in the form; the POST must carry both, equal, and, when the browser says where it comes from, an
 * `Origin` of this server. A page elsewhere that posts its own credentials to /authorize fails both checks.
 */
import { AccessDenied, csrfTokenMatches } from '@tollgate/core';
import type { FastifyRequest } from 'fastify';
import { ownOrigins } from '../http/admin-session.js';
import { cookieFrom } from '../http/session-cookie.js';

export const AUTHORIZE_COOKIE = '__Host-tollgate_authorize';
/** Long enough to type a password, short enough that a stale form is soon refused. */
const COOKIE_MAX_AGE_SECONDS = 1800;

/** The browser's token: the one it already holds, so several tabs share it, or `fresh`. */
export function csrfTokenFor(request: FastifyRequest, fresh: () => string): { token: string; setCookie?: string } {
  const held = cookieFrom(request.headers.cookie, AUTHORIZE_COOKIE);
  if (held !== undefined && held.length === 43) return { token: held };
  const token = fresh();
  return {
    token,
    setCookie: `${AUTHORIZE_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_SECONDS}`,
  };
}

export function checkSignInCsrf(request: FastifyRequest, issuer: string, presented: string | undefined): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !ownOrigins(request, issuer).has(origin.toLowerCase())) {
    throw new AccessDenied('The sign-in form was sent from another site');
  }
  const held = cookieFrom(request.headers.cookie, AUTHORIZE_COOKIE);
  if (held === undefined || presented === undefined || !csrfTokenMatches(held, presented)) {
    throw new AccessDenied('The sign-in form has expired or did not come from this server; start again');
  }
}
