/**
 * RFC 7009. Revoking a refresh token revokes its whole family and the access tokens issued from it;
 * revoking an access token puts its `jti` on the deny list until it expires. Revocation is keyed by `jti`,
 * never by the token string, since several encodings of one signature verify alike. An API token is revoked by
 * whoever presents it (see tokens/api-token). Unknown, expired and
 * foreign tokens are answered with success (2.2): there is nothing left to revoke. A token this node cannot judge
 * (its key may be new and the keys cannot be re-read) is never acknowledged: the store error becomes 503
 * `temporarily_unavailable` with Retry-After, and the client retries (see tokens/lookup).
 */
import { epochSeconds } from '../clock.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import { InvalidRequest } from '../errors.js';
import type { RevocationRequest } from '../service.js';
import { revokeApiToken } from './api-token.js';
import { type TokenLookupContext, lookupToken } from './lookup.js';

export async function revokeToken(
  context: TokenLookupContext & { clients: ClientAuthenticator },
  request: RevocationRequest,
): Promise<void> {
  // Public clients (the login client) may revoke their own tokens, e.g. on sign-out (RFC 7009 5).
  const client = await context.clients.authenticate(request.client, request.remoteAddress, true);
  const found = await lookupToken(context, request.token, request.tokenTypeHint);
  if (!found) return;
  if (found.kind === 'api')
    return revokeApiToken(context, found, { clientId: client.id, remoteAddress: request.remoteAddress });
  const owner = found.kind === 'access' ? found.claims.client_id : found.token.clientId;
  // 2.1: the server verifies that the token was issued to the client asking.
  if (owner !== client.id) throw new InvalidRequest('The token was not issued to this client');
  const now = epochSeconds(context.clock);
  if (found.kind === 'access') {
    await context.store.revocations.add(found.claims.jti, now, found.claims.exp);
  } else {
    await context.store.grants.revokeFamily(found.family.id, now);
  }
}
