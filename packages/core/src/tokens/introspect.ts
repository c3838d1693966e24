/** RFC 7662. Only authenticated clients may ask; anything not live is exactly `{ active: false }` (2.2). */
import { epochSeconds } from '../clock.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { IntrospectionRequest, IntrospectionResponse } from '../service.js';
import { formatScope } from '../scope.js';
import { introspectApiToken } from './api-token.js';
import { type TokenLookupContext, lookupToken } from './lookup.js';

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false as const });

export async function introspectToken(
  context: TokenLookupContext & { clients: ClientAuthenticator },
  request: IntrospectionRequest,
): Promise<IntrospectionResponse> {
  await context.clients.authenticate(request.client, request.remoteAddress, false);
  const found = await lookupToken(context, request.token, request.tokenTypeHint);
  if (!found) return INACTIVE;
  if (found.kind === 'api') return introspectApiToken(context, found.token);
  if (found.kind === 'access') {
    const { claims } = found;
    if (await context.store.revocations.isRevoked(claims.jti)) return INACTIVE;
    const response: IntrospectionResponse = {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    };
    if (claims.nbf !== undefined) response.nbf = claims.nbf;
    if (claims.username !== undefined) response.username = claims.username;
    return response;
  }
  const { token, family } = found;
  const now = epochSeconds(context.clock);
  if (token.consumedAt !== null || family.revokedAt !== null || token.expiresAt <= now) return INACTIVE;
  const response: IntrospectionResponse = {
    active: true,
    scope: formatScope(token.scopes),
    client_id: token.clientId,
    token_type: 'refresh_token',
    exp: token.expiresAt,
    iat: token.createdAt,
    sub: token.subject,
    aud: token.audience,
    iss: context.issuer,
  };
  if (token.username !== null) response.username = token.username;
  return response;
}
