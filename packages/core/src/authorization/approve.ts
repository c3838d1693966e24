/**
 * The user's answer to an authorization request: signing in (the password checked as the password grant and the
 * dashboard check it, behind the same brute-force guard and at the same cost for unknown users) issues a code; a
 * refusal sends `access_denied` back to the client.
 */
import { AUDIT_ACTIONS } from '../audit/actions.js';
import type { AuditLog } from '../audit/record.js';
import { epochSeconds, type Clock } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto/index.js';
import { AccessDenied, TollgateError, Unauthenticated } from '../errors.js';
import { grantScopes, requireGrantedScope } from '../grants/scopes.js';
import type { AuthorizationCodeRecord, Store } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';
import { verifyUserPassword } from '../users/verify-password.js';
import { AuthorizationRedirect } from './redirect-error.js';
import type { AuthorizationRequest } from './request.js';
import { authorizationResponseUrl } from './response.js';

/** Codes carry a recognisable prefix so secret scanners can spot a leaked one. */
export const AUTHORIZATION_CODE_PREFIX = 'tgc_';
/** RFC 6749 4.1.2: "a maximum authorization code lifetime of 10 minutes is RECOMMENDED"; a redirect takes seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const BAD_CREDENTIALS = 'Invalid username or password';

export interface ApprovalContext {
  store: Pick<Store, 'users' | 'codes'>;
  /** Sign-ins here are audited as `authorization.sign_in`, target the client, as the dashboard's are. */
  guard: BruteForceGuard;
  clock: Clock;
  audit: AuditLog;
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The redirect to the client with a new code. A wrong password throws `Unauthenticated` (the same for unknown
 * user, wrong password and disabled user), too many throw `TooManyAttempts`: the page asks again, it does not
 * redirect. A user whose scopes leave nothing of the request is sent back with `invalid_scope`.
 */
export async function approveAuthorization(
  context: ApprovalContext,
  request: AuthorizationRequest,
  credentials: Credentials,
  remoteAddress: string,
): Promise<string> {
  const audited = (userId: string | null, outcome: 'success' | 'failure', reason?: string) =>
    context.audit.record(
      { userId, name: credentials.username, address: remoteAddress },
      {
        action: AUDIT_ACTIONS.authorizationSignIn,
        target: request.client.id,
        outcome,
        detail: reason === undefined ? null : { reason },
      },
    );
  let checked: Awaited<ReturnType<typeof verifyUserPassword>>;
  try {
    checked = await verifyUserPassword(context.store.users, context.guard, { ...credentials, remoteAddress });
  } catch (error) {
    await audited(null, 'failure', 'too_many_attempts');
    throw error;
  }
  const { user, verified } = checked;
  if (!user || !verified) {
    await audited(user?.id ?? null, 'failure', 'bad_credentials');
    throw new Unauthenticated(BAD_CREDENTIALS);
  }
  let scopes: string[];
  try {
    scopes = requireGrantedScope(grantScopes(request.requestedScope, request.scopes, user.scopes), request.api, [
      { label: `user ${user.username}`, scopes: user.scopes },
    ]);
  } catch (error) {
    if (error instanceof TollgateError) throw new AuthorizationRedirect(error, request.target);
    throw error;
  }
  const code = AUTHORIZATION_CODE_PREFIX + randomToken(32);
  const now = epochSeconds(context.clock);
  const record: AuthorizationCodeRecord = {
    codeHash: sha256Hex(code),
    clientId: request.client.id,
    redirectUri: request.target.redirectUri,
    codeChallenge: request.codeChallenge,
    subject: user.id,
    username: user.username,
    scopes,
    audience: request.api.identifier,
    createdAt: now,
    expiresAt: now + AUTHORIZATION_CODE_TTL_SECONDS,
    consumedAt: null,
    issued: null,
  };
  await context.store.codes.add(record);
  await audited(user.id, 'success');
  return authorizationResponseUrl(request.target, { code });
}

/** RFC 6749 4.1.2.1 `access_denied`: the user declined on the consent screen. */
export function denyAuthorization(request: AuthorizationRequest): string {
  return new AuthorizationRedirect(new AccessDenied('The user denied the request'), request.target).location;
}
