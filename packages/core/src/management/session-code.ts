/**
 * The dashboard's code redemption (RFC 6749 4.1.3, PKCE RFC 7636 4.6), done by the server for the dashboard: the same
 * checks as the token endpoint's authorization_code grant, but what it yields is the user to open a session for, not
 * tokens. The code is consumed by the store's compare-and-set, so it opens one session at most; and as a replayed
 * code revokes the tokens it issued (RFC 6749 4.1.2), a replayed dashboard code ends the session it opened.
 */
import { DASHBOARD_CLIENT_ID } from '../authorization/dashboard-client.js';
import { verifierMatches } from '../authorization/pkce.js';
import { epochSeconds } from '../clock.js';
import { randomToken, sha256Hex } from '../crypto/index.js';
import { Unauthenticated } from '../errors.js';
import type { AuthorizationCodeRecord, Store, UserRecord } from '../storage/index.js';
import type { ManagementContext } from './context.js';
import type { CodeSignIn } from './contract.js';

const MAX_CODE_LENGTH = 256;
const SESSION_ID_BYTES = 32;
/**
 * A redeemed dashboard code issues no token; its redemption record names the session it opened instead, in the place
 * of the access token's id, so a replay can find that session and end it.
 */
const SESSION_MARK = 'session:';
const REUSED = 'The sign-in code was already used';

export class CodeRefused extends Unauthenticated {
  readonly reason: string;
  constructor(description: string, reason: string) {
    super(description);
    this.reason = reason;
  }
}

/**
 * The user the code was issued to and the id of the session to open for them, once the code is consumed; `CodeRefused`
 * (with a `reason` to audit) otherwise.
 */
export async function redeemDashboardCode(
  context: Pick<ManagementContext, 'store' | 'clock'>,
  presented: CodeSignIn,
): Promise<{ user: UserRecord; sessionId: string }> {
  const { store, clock } = context;
  const code = presented.code.length <= MAX_CODE_LENGTH ? await store.codes.find(sha256Hex(presented.code)) : undefined;
  const now = epochSeconds(clock);
  if (!code || code.clientId !== DASHBOARD_CLIENT_ID || code.expiresAt <= now) {
    throw new CodeRefused('The sign-in code is invalid or expired', 'invalid_code');
  }
  if (code.consumedAt !== null) return reused(store, code);
  if (presented.redirectUri !== code.redirectUri || !verifierMatches(code.codeChallenge, presented.codeVerifier)) {
    throw new CodeRefused('The sign-in code was issued for another request', 'code_mismatch');
  }
  const user = await store.users.getById(code.subject);
  if (!user || user.disabled) throw new CodeRefused('The sign-in code is invalid or expired', 'invalid_code');
  const sessionId = randomToken(SESSION_ID_BYTES);
  // Already expired: were the mark read as an access token's id, revoking it would write nothing.
  const redemption = { accessToken: { jti: `${SESSION_MARK}${sha256Hex(sessionId)}`, expiresAt: now }, family: null };
  if (!(await store.codes.redeem(code.codeHash, now, redemption))) {
    return reused(store, (await store.codes.find(code.codeHash)) ?? code);
  }
  return { user, sessionId };
}

async function reused(store: Store, code: AuthorizationCodeRecord): Promise<never> {
  const mark = code.issued?.accessToken.jti;
  if (mark?.startsWith(SESSION_MARK)) await store.sessions.remove(mark.slice(SESSION_MARK.length));
  throw new CodeRefused(REUSED, 'code_reused');
}
