/**
 * RFC 6749 4.1.3 with PKCE (RFC 7636 4.5): a code, the redirect URI it was issued for and the verifier of its
 * challenge become an access token and, when the client may refresh, the first refresh token of a new family.
 * A code is used once: the redemption is a compare-and-set in the store, and a code presented again revokes
 * everything its first use issued (RFC 6749 4.1.2, RFC 9700 4.5.1).
 */
import type { VerifiedDpopProof } from '@tollgate/jwt';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { DASHBOARD_CLIENT_ID } from '../authorization/dashboard-client.js';
import { verifierMatches } from '../authorization/pkce.js';
import { epochSeconds } from '../clock.js';
import type { ActingClient } from '../clients/authenticate.js';
import { randomId, sha256Hex } from '../crypto/index.js';
import { InvalidClient, InvalidGrant, InvalidRequest, UnauthorizedClient } from '../errors.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import type { AuthorizationCodeRecord, CodeRedemption } from '../storage/index.js';
import type { Grant, GrantContext } from './context.js';
import { mintAccessToken, newRefreshToken, tokenResponse } from './issue.js';
import { auditReplay } from './replay.js';
import { grantScopes, requireGrantedScope } from './scopes.js';

const INVALID = 'The authorization code is invalid or expired';
const REPLAYED = 'The authorization code was already used; every token issued from it has been revoked';
const MAX_CODE_LENGTH = 256;

export async function authorizationCodeGrant(
  context: GrantContext,
  request: TokenRequest,
  proof: VerifiedDpopProof | undefined,
): Promise<TokenResponse> {
  const presented = request.params.get('code');
  const redirectUri = request.params.get('redirect_uri');
  const verifier = request.params.get('code_verifier');
  if (presented === undefined) throw new InvalidRequest('The code parameter is required');
  if (redirectUri === undefined) throw new InvalidRequest('The redirect_uri parameter is required');
  if (verifier === undefined) throw new InvalidRequest('The code_verifier parameter is required (PKCE)');
  const code = presented.length <= MAX_CODE_LENGTH ? await context.store.codes.find(sha256Hex(presented)) : undefined;
  // Authenticate first: nothing is said about a code to a client that has not proven who it is.
  const client = await context.clients.authenticate(request.client, request.remoteAddress, true);
  if (!client.grantTypes.includes('authorization_code')) {
    throw new UnauthorizedClient('This client may not use the authorization_code grant');
  }
  // The dashboard's codes open a session (management/session-code.ts), never tokens, even for a stored namesake.
  if (!code || code.clientId === DASHBOARD_CLIENT_ID) throw new InvalidGrant(INVALID);
  if (code.clientId !== client.id) {
    if (!client.confidential) throw new InvalidClient('Client authentication is required for this code');
    throw new InvalidGrant('The authorization code was issued to another client');
  }
  const now = epochSeconds(context.clock);
  if (code.consumedAt !== null) return replayed(context, code, now, request.remoteAddress);
  if (code.expiresAt <= now) throw new InvalidGrant(INVALID);
  // RFC 6749 4.1.3: the redirect_uri must be identical to the authorization request's.
  if (redirectUri !== code.redirectUri)
    throw new InvalidGrant('The redirect_uri differs from the authorization request');
  if (!verifierMatches(code.codeChallenge, verifier)) throw new InvalidGrant('The code_verifier does not match (PKCE)');

  const grant = { ...(await currentGrant(context, code, client)), proof };
  const access = await mintAccessToken(context, grant);
  const refresh = client.grantTypes.includes('refresh_token') ? newFamily(context, grant, now) : null;
  const redemption: CodeRedemption = { accessToken: access.issued, family: refresh?.stored ?? null };
  if (!(await context.store.codes.redeem(code.codeHash, now, redemption))) {
    const raced = await context.store.codes.find(code.codeHash);
    return replayed(context, raced ?? code, now, request.remoteAddress);
  }
  return tokenResponse(grant, access, refresh?.token);
}

/** The code's grant as things stand now: a user disabled, an API removed or a scope withdrawn since counts. */
async function currentGrant(
  context: GrantContext,
  code: AuthorizationCodeRecord,
  client: ActingClient,
): Promise<Omit<Grant, 'proof'>> {
  const user = await context.store.users.getById(code.subject);
  if (!user || user.disabled) throw new InvalidGrant(INVALID);
  const api = await context.store.apis.get(code.audience);
  if (!api) throw new InvalidGrant('The API this code was issued for no longer exists');
  const scopes = requireGrantedScope(grantScopes(undefined, code.scopes, api.scopes, user.scopes, client.scopes), api, [
    { label: 'this authorization code', scopes: code.scopes },
    { label: `user ${user.username}`, scopes: user.scopes },
    { label: `client ${client.id}`, scopes: client.scopes },
  ]);
  return { subject: user.id, username: user.username, client, api, scopes };
}

function newFamily(context: GrantContext, grant: Grant, now: number) {
  const family = {
    id: randomId('rf_'),
    clientId: grant.client.id,
    subject: grant.subject,
    createdAt: now,
    revokedAt: null,
    // A public client's refresh token is then bound to the key of the proof the code was redeemed with (RFC 9449 5).
    dpopJkt: grant.proof?.jkt ?? null,
  };
  const { token, record } = newRefreshToken(context, grant, family, grant.scopes);
  return { token, stored: { family, token: record } };
}

/** RFC 6749 4.1.2: a code used twice revokes what its first use issued, the refresh family with its access tokens. */
async function replayed(
  context: GrantContext,
  code: AuthorizationCodeRecord,
  now: number,
  remoteAddress: string,
): Promise<never> {
  const issued = code.issued;
  if (issued !== null) {
    if (issued.familyId !== null) await context.store.grants.revokeFamily(issued.familyId, now);
    if (issued.accessToken.expiresAt > now) {
      await context.store.revocations.add(issued.accessToken.jti, now, issued.accessToken.expiresAt);
    }
    await auditReplay(context, {
      action: AUDIT_ACTIONS.authorizationCodeReuse,
      clientId: code.clientId,
      subject: code.subject,
      username: code.username,
      familyId: issued.familyId,
      remoteAddress,
    });
  }
  throw new InvalidGrant(REPLAYED);
}
