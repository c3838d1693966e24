/**
 * RFC 6749 4.4. The client acts on its own behalf: `sub` is the client id (RFC 9068 2.2), and no refresh
 * token is issued (4.4.3), since the client can always authenticate again.
 */
import type { VerifiedDpopProof } from '@tollgate/jwt';
import { clientAllowance } from '../admin-access/allowance.js';
import { UnauthorizedClient } from '../errors.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import { resolveApi } from './audience.js';
import type { GrantContext } from './context.js';
import { mintAccessToken, tokenResponse } from './issue.js';
import { grantScopes, requireGrantedScope } from './scopes.js';

export async function clientCredentialsGrant(
  context: GrantContext,
  request: TokenRequest,
  proof: VerifiedDpopProof | undefined,
): Promise<TokenResponse> {
  const client = await context.clients.authenticate(request.client, request.remoteAddress, false);
  if (!client.grantTypes.includes('client_credentials')) {
    throw new UnauthorizedClient('This client may not use the client_credentials grant');
  }
  const api = await resolveApi(context.store.apis, request.resources, client);
  const allowed = clientAllowance(client.scopes);
  const scopes = requireGrantedScope(grantScopes(request.params.get('scope'), api.scopes, allowed), api, [
    { label: `client ${client.id}`, scopes: client.scopes },
  ]);
  const grant = { subject: client.id, username: null, client, api, scopes, proof };
  return tokenResponse(grant, await mintAccessToken(context, grant));
}
