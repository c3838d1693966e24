/**
 * `dashboard.signIn: oauth`: the server signs the dashboard in through the authorization code flow on its behalf (a
 * "backend for frontend", so no token ever reaches the browser). GET /dashboard/sign-in/start keeps a random `state`
 * and PKCE verifier in a short-lived `__Host-` cookie (HttpOnly: scripts never see the verifier) and sends the browser
 * to /authorize as the built-in dashboard client; GET /dashboard/callback checks the state (and RFC 9207 `iss`),
 * redeems the code in the core and sets the same session cookie as the password sign-in. Whatever goes wrong sends
 * the browser back to the sign-in page with a reason it shows (`?sign_in_error=`), never an error page.
 * GET /dashboard/sign-in.json tells the app which form to show.
 */
import { randomBytes } from 'node:crypto';
import {
  DASHBOARD_CALLBACK_PATH,
  DASHBOARD_CLIENT_ID,
  type DashboardSignIn,
  TollgateError,
  csrfTokenMatches,
  dashboardRedirectUri,
  s256Challenge,
} from '@tollgate/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookieFrom, sessionCookie } from '../http/session-cookie.js';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { AUTHORIZE_PATH } from './authorize.js';
import { DASHBOARD_PATH, DASHBOARD_SECURITY_HEADERS } from './dashboard.js';

export const SIGN_IN_START_PATH = `${DASHBOARD_PATH}/sign-in/start`;
export const SIGN_IN_METHOD_PATH = `${DASHBOARD_PATH}/sign-in.json`;
export const SIGN_IN_STATE_COOKIE = '__Host-tollgate_dashboard_sign_in';
/** Long enough to type a password on the hosted page; the code itself lives 60 seconds. */
const STATE_MAX_AGE_SECONDS = 600;
/** Lax, not Strict: the cookie grants nothing, and the callback must get it even after a cross-site hop. */
const STATE_ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax';

/** The reasons the sign-in page explains (packages/dashboard/src/pages/sign-in-errors.ts). */
export type SignInFailure =
  | 'expired'
  | 'state_mismatch'
  | 'wrong_issuer'
  | 'access_denied'
  | 'authorization_failed'
  | 'code_rejected';

type SignInCore = Pick<TollgateEndpoints, 'sessions' | 'metadata'>;
const config = { ownCacheControl: true };

export function registerDashboardSignInRoutes(app: FastifyInstance, tollgate: SignInCore, signIn: DashboardSignIn) {
  app.get(SIGN_IN_METHOD_PATH, { config }, (_request, reply) => {
    noStore(reply).send(signIn === 'oauth' ? { signIn, start: SIGN_IN_START_PATH } : { signIn });
  });
  if (signIn !== 'oauth') return;
  app.get(SIGN_IN_START_PATH, { config }, (_request, reply) => {
    const issuer = String(tollgate.metadata().issuer);
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: DASHBOARD_CLIENT_ID,
      redirect_uri: dashboardRedirectUri(issuer),
      state,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
    });
    const cookie = `${SIGN_IN_STATE_COOKIE}=${state}.${verifier}; ${STATE_ATTRIBUTES}; Max-Age=${STATE_MAX_AGE_SECONDS}`;
    noStore(reply).header('set-cookie', cookie).redirect(`${AUTHORIZE_PATH}?${query}`, 303);
  });
  app.get(DASHBOARD_CALLBACK_PATH, { config }, async (request, reply) => {
    const cleared = `${SIGN_IN_STATE_COOKIE}=; ${STATE_ATTRIBUTES}; Max-Age=0`;
    const outcome = await finishSignIn(tollgate, request);
    const cookies = 'failure' in outcome ? [cleared] : [cleared, outcome.sessionCookie];
    const location =
      'failure' in outcome ? `${DASHBOARD_PATH}/?sign_in_error=${outcome.failure}` : `${DASHBOARD_PATH}/`;
    return noStore(reply).header('set-cookie', cookies).redirect(location, 303);
  });
}

/** RFC 6749 4.1.2 and 10.12, RFC 9207 2.4: the response must answer our own request, from our own issuer. */
async function finishSignIn(
  tollgate: SignInCore,
  request: FastifyRequest,
): Promise<{ sessionCookie: string } | { failure: SignInFailure }> {
  const query = new URL(request.url, 'http://localhost').searchParams;
  const held = cookieFrom(request.headers.cookie, SIGN_IN_STATE_COOKIE)?.split('.');
  const [state, codeVerifier] = held?.length === 2 ? held : [];
  if (state === undefined || codeVerifier === undefined) return { failure: 'expired' };
  const presentedState = query.get('state');
  if (presentedState === null || !csrfTokenMatches(state, presentedState)) return { failure: 'state_mismatch' };
  const issuer = String(tollgate.metadata().issuer);
  // Our own authorization endpoint always sends iss: one without it did not come from there.
  if (query.get('iss') !== issuer) return { failure: 'wrong_issuer' };
  const error = query.get('error');
  if (error !== null) return { failure: error === 'access_denied' ? 'access_denied' : 'authorization_failed' };
  const code = query.get('code');
  if (code === null) return { failure: 'authorization_failed' };
  try {
    const redemption = { code, redirectUri: dashboardRedirectUri(issuer), codeVerifier };
    const signedIn = await tollgate.sessions.signInWithCode(redemption, request.ip);
    const maxAgeSeconds = signedIn.session.expiresAt - Math.floor(Date.now() / 1000);
    return { sessionCookie: sessionCookie(signedIn.sessionId, maxAgeSeconds) };
  } catch (thrown) {
    if (!(thrown instanceof TollgateError) || thrown.status >= 500) throw thrown;
    request.log.info({ code: thrown.code }, thrown.description);
    return { failure: 'code_rejected' };
  }
}

function noStore(reply: FastifyReply): FastifyReply {
  return reply.headers(DASHBOARD_SECURITY_HEADERS).header('cache-control', 'no-store');
}
