/**
 * Introspection and RFC 7009 revocation of API tokens (`tg_...`), which are opaque: found by the SHA-256 of the
 * secret, never by the secret itself.
 */
import { clientAllowance, userAllowance } from '../admin-access/allowance.js';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { AuditLog } from '../audit/record.js';
import { epochSeconds } from '../clock.js';
import { isExpired, revocationExpiresAt } from '../management/api-token-rules.js';
import { formatScope, intersectScopes } from '../scope.js';
import type { IntrospectionResponse } from '../service.js';
import type { ApiTokenRecord, Store } from '../storage/index.js';
import type { TokenLookupContext } from './lookup.js';

/** `client_id` introspection reports for tokens a user owns: no OAuth client was involved in issuing them. */
export const API_TOKEN_CLIENT_ID = 'tollgate-api-token';

/**
 * Active while unexpired and while its owner exists (and, for a user, is enabled). The owner's current allowance
 * still applies: a user whose scopes were cut, or a client whose APIs were cut, cannot keep the old reach through a
 * token made before (RFC 7662 2.2 lets `scope` and `aud` say what the token may do now).
 */
export async function introspectApiToken(
  context: TokenLookupContext,
  token: ApiTokenRecord,
): Promise<IntrospectionResponse> {
  if (isExpired(token.expiresAt, epochSeconds(context.clock))) return { active: false };
  const owner = await currentOwner(context.store, token);
  if (!owner) return { active: false };
  const response: IntrospectionResponse = {
    active: true,
    scope: formatScope(intersectScopes(token.scopes, owner.scopes)),
    client_id: token.ownerKind === 'client' ? token.ownerId : API_TOKEN_CLIENT_ID,
    token_type: 'Bearer',
    iat: token.regeneratedAt ?? token.createdAt,
    sub: token.ownerId,
    aud: owner.apis === null ? [...token.apis] : token.apis.filter((api) => owner.apis?.includes(api)),
    iss: context.issuer,
    jti: token.jti,
  };
  if (token.expiresAt !== null) response.exp = token.expiresAt;
  if (owner.username !== undefined) response.username = owner.username;
  return response;
}

async function currentOwner(
  store: Store,
  token: ApiTokenRecord,
): Promise<{ scopes: readonly string[]; apis: readonly string[] | null; username?: string } | undefined> {
  if (token.ownerKind === 'user') {
    const user = await store.users.getById(token.ownerId);
    return user && !user.disabled ? { scopes: userAllowance(user), apis: null, username: user.username } : undefined;
  }
  const client = await store.clients.get(token.ownerId);
  return client && { scopes: clientAllowance(client.scopes), apis: client.apis };
}

/**
 * Holding the secret proves the right to revoke it, whoever presents it (as GitHub does for leaked tokens): a
 * scanner or a colleague who found it in a log can kill it through the ordinary revocation endpoint.
 */
export async function revokeApiToken(
  context: TokenLookupContext,
  token: ApiTokenRecord,
  request: { clientId: string; remoteAddress: string },
): Promise<void> {
  const now = epochSeconds(context.clock);
  const revoked = await context.store.apiTokens.revoke(token.id, now, revocationExpiresAt(token.expiresAt, now));
  if (!revoked) return;
  await new AuditLog(context.store.audit, context.clock).record(
    { userId: null, name: 'revocation endpoint', address: request.remoteAddress },
    {
      action: AUDIT_ACTIONS.apiTokenRevoke,
      target: token.id,
      detail: { name: token.name, clientId: request.clientId },
    },
  );
}
