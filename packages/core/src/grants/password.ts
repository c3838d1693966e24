/**
 * RFC 6749 4.3, the resource owner password grant, and Tollgate's simple JSON login (the same grant
 * through the built-in public login client). RFC 9700 2.4 discourages this grant for third-party
 * clients; it exists for first-party apps and scripts, and the login can be switched off.
 */
import type { VerifiedDpopProof } from '@tollgate/jwt';
import { epochSeconds } from '../clock.js';
import type { ActingClient } from '../clients/authenticate.js';
import { randomId } from '../crypto/index.js';
import { InvalidGrant, InvalidRequest, UnauthorizedClient } from '../errors.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import type { UserRecord } from '../storage/index.js';
import { verifyUserPassword } from '../users/verify-password.js';
import { resolveApi } from './audience.js';
import type { Grant, GrantContext } from './context.js';
import { mintAccessToken, newRefreshToken, tokenResponse } from './issue.js';
import { grantScopes, requireGrantedScope } from './scopes.js';

export { MAX_PASSWORD_LENGTH } from '../users/verify-password.js';
const BAD_CREDENTIALS = 'The username or password is incorrect';

export async function passwordGrant(
  context: GrantContext,
  request: TokenRequest,
  proof: VerifiedDpopProof | undefined,
): Promise<TokenResponse> {
  const client = await context.clients.authenticate(request.client, request.remoteAddress, true);
  if (!client.grantTypes.includes('password')) {
    throw new UnauthorizedClient('This client may not use the password grant');
  }
  const username = request.params.get('username');
  const password = request.params.get('password');
  if (username === undefined) throw new InvalidRequest('The username parameter is required');
  if (password === undefined) throw new InvalidRequest('The password parameter is required');

  const user = await authenticateUser(context, username, password, request.remoteAddress);
  const api = await resolveApi(context.store.apis, request.resources, client);
  const scopes = requireGrantedScope(
    grantScopes(request.params.get('scope'), api.scopes, user.scopes, client.scopes),
    api,
    [
      { label: `user ${user.username}`, scopes: user.scopes },
      { label: `client ${client.id}`, scopes: client.scopes },
    ],
  );
  return issueUserTokens(context, { subject: user.id, username: user.username, client, api, scopes, proof });
}

async function authenticateUser(
  context: GrantContext,
  username: string,
  password: string,
  remoteAddress: string,
): Promise<UserRecord> {
  const { user, verified } = await verifyUserPassword(context.store.users, context.guard, {
    username,
    password,
    remoteAddress,
  });
  if (!user || !verified) throw new InvalidGrant(BAD_CREDENTIALS);
  return user;
}

/** Access token plus, when the client may refresh, the first refresh token of a new family. */
async function issueUserTokens(context: GrantContext, grant: Grant): Promise<TokenResponse> {
  const access = await mintAccessToken(context, grant);
  if (!canRefresh(grant.client)) {
    return tokenResponse(grant, access);
  }
  const family = {
    id: randomId('rf_'),
    clientId: grant.client.id,
    subject: grant.subject,
    createdAt: epochSeconds(context.clock),
    revokedAt: null,
    dpopJkt: grant.proof?.jkt ?? null,
  };
  const refresh = newRefreshToken(context, grant, family, grant.scopes);
  await context.store.grants.startFamily(family, refresh.record, access.issued);
  return tokenResponse(grant, access, refresh.token);
}

function canRefresh(client: ActingClient): boolean {
  return client.grantTypes.includes('refresh_token');
}
