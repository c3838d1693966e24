/**
 * The dashboard's code redemption (RFC 6749 4.1.3, PKCE RFC 7636 4.6), done by the server for the dashboard: the same
 * checks as the token endpoint's authorization_code grant, but what it yields is the user to open a session for, not
 * tokens. The code is consumed by the store's compare-and-set, so it opens one session at most.
 */
import { DASHBOARD_CLIENT_ID } from '../authorization/dashboard-client.js';
import { verifierMatches } from '../authorization/pkce.js';
import { epochSeconds } from '../clock.js';
import { randomId, sha256Hex } from '../crypto/index.js';
import { Unauthenticated } from '../errors.js';
import type { UserRecord } from '../storage/index.js';
import type { ManagementContext } from './context.js';
import type { CodeSignIn } from './contract.js';

const MAX_CODE_LENGTH = 256;

export class CodeRefused extends Unauthenticated {
  readonly reason: string;
  constructor(description: string, reason: string) {
    super(description);
    this.reason = reason;
  }
}

/** The user the code was issued to, once the code is consumed; `CodeRefused` (with a `reason` to audit) otherwise. */
export async function redeemDashboardCode(
  context: Pick<ManagementContext, 'store' | 'clock'>,
  presented: CodeSignIn,
): Promise<UserRecord> {
  const { store, clock } = context;
  const code = presented.code.length <= MAX_CODE_LENGTH ? await store.codes.find(sha256Hex(presented.code)) : undefined;
  const now = epochSeconds(clock);
  if (!code || code.clientId !== DASHBOARD_CLIENT_ID || code.expiresAt <= now) {
    throw new CodeRefused('The sign-in code is invalid or expired', 'invalid_code');
  }
  if (code.consumedAt !== null) throw new CodeRefused('The sign-in code was already used', 'code_reused');
  if (presented.redirectUri !== code.redirectUri || !verifierMatches(code.codeChallenge, presented.codeVerifier)) {
    throw new CodeRefused('The sign-in code was issued for another request', 'code_mismatch');
  }
  const user = await store.users.getById(code.subject);
  if (!user || user.disabled) throw new CodeRefused('The sign-in code is invalid or expired', 'invalid_code');
  // Nothing is issued besides the session: the access token recorded is already expired, so a replay revokes nothing.
  const redemption = { accessToken: { jti: randomId('dashboard_'), expiresAt: now }, family: null };
  if (!(await store.codes.redeem(code.codeHash, now, redemption))) {
    throw new CodeRefused('The sign-in code was already used', 'code_reused');
  }
  return user;
}
