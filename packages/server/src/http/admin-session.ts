/**
 * The admin API's front door, run on every /api/v1 request before its body is read: a bearer token (admin-bearer.ts),
 * or else same-origin check, session cookie, CSRF token. The token's owner or the resumed session becomes the
 * request's `Actor`; authorisation itself is the core's.
 *
 * CSRF defence follows OWASP's cheat sheet: a synchronizer token (the session's `csrfToken`, echoed in
 * `X-CSRF-Token` on every unsafe method) plus an `Origin` check, on top of `SameSite=Strict`.
 */
import {
  type Actor,
  type ResumedSession,
  type SessionOperations,
  Unauthenticated,
  csrfTokenMatches,
} from '@tollgate/core';
import type { FastifyRequest } from 'fastify';
import { type AdminBearerCore, authorizeBearerRequest, bearerTokenOf } from './admin-bearer.js';
import { CsrfFailed } from './admin-errors.js';
import { sessionIdFrom } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call an admin route. `public`: anyone, from anywhere (the OpenAPI document). `sign-in`: no session
     * yet, but same-origin only. Absent: a signed-in session, and the CSRF token on unsafe methods.
     */
    adminAccess?: 'public' | 'sign-in';
  }
}

export const CSRF_HEADER = 'x-csrf-token';

/** RFC 9110 9.2.1: everything but GET, HEAD and OPTIONS (and TRACE, which Fastify does not route) may change state. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function signInFirst(): Unauthenticated {
  return new Unauthenticated('Sign in first: the request has no valid session');
}

const sessions = new WeakMap<FastifyRequest, ResumedSession>();
const bearerActors = new WeakMap<FastifyRequest, Actor>();

/** The session the guard resumed for this request (with the request's address in the actor). */
export function sessionOf(request: FastifyRequest): ResumedSession {
  const resumed = sessions.get(request);
  if (resumed === undefined) throw signInFirst();
  return resumed;
}

/** Who acts: the bearer token's actor (admin-bearer.ts), else the session's. */
export function actorOf(request: FastifyRequest): Actor {
  return bearerActors.get(request) ?? sessionOf(request).actor;
}

/**
 * The origins this server answers as: the one the request was addressed to (scheme as Fastify resolved it through
 * trusted proxies, Host header) and the configured issuer, which is the public origin behind a proxy.
 */
export function ownOrigins(request: FastifyRequest, issuer: string): Set<string> {
  return new Set([`${request.protocol}://${request.host}`.toLowerCase(), issuer.toLowerCase()]);
}

/** RFC 6454 7: browsers send `Origin` on cross-origin requests and on same-origin POSTs; absent means not a browser's cross-site call. */
function checkOrigin(request: FastifyRequest, issuer: string): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!ownOrigins(request, issuer).has(origin.toLowerCase())) {
    throw new CsrfFailed('Requests from another origin are refused');
  }
}

function checkCsrfToken(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || presented === '') {
    throw new CsrfFailed('The X-CSRF-Token header is missing: send the csrfToken of the session');
  }
  if (!csrfTokenMatches(expected, presented)) {
    throw new CsrfFailed('The X-CSRF-Token header does not match the session');
  }
}

/** The `onRequest` hook of the /api/v1 scope. */
export function createAdminGuard(
  core: { sessions: Pick<SessionOperations, 'resume'> } & AdminBearerCore,
  issuer: () => string,
) {
  return async function guardAdminRequest(request: FastifyRequest): Promise<void> {
    const access = request.routeOptions.config?.adminAccess;
    if (access === 'public') return;
    const token = access === 'sign-in' ? undefined : bearerTokenOf(request);
    if (token !== undefined) {
      const actor = await authorizeBearerRequest(core, request, token);
      if (actor !== undefined) bearerActors.set(request, actor);
      return;
    }
    checkOrigin(request, issuer());
    if (access === 'sign-in') return;
    const sessionId = sessionIdFrom(request.headers.cookie);
    const resumed = sessionId === undefined ? undefined : await core.sessions.resume(sessionId);
    if (resumed === undefined) throw signInFirst();
    checkCsrfToken(request, resumed.session.csrfToken);
    sessions.set(request, { ...resumed, actor: { ...resumed.actor, address: request.ip } });
  };
}

/** The session id of a request that is signed in (sign-out needs it; the guard has already checked it). */
export function sessionIdOf(request: FastifyRequest): string {
  const sessionId = sessionIdFrom(request.headers.cookie);
  if (sessionId === undefined) throw signInFirst();
  return sessionId;
}
