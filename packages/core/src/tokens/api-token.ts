/**
 * Introspection and RFC 7009 revocation of API tokens (`tg_...`), which are opaque: found by the SHA-256 of the
 * secret, never by the secret itself.
 */
import { clientAllowance, userAllowance } from '../admin-access/allowance.js';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { isExpired, revocationExpiresAt } from '../management/api-token-rules.js';
import { formatScope, intersectScopes } from '../scope.js';
import type { IntrospectionResponse } from '../service.js';
import type { ApiTokenRecord, Store } from '../storage/index.js';
import { quotaMembers } from './api-token-quota-members.js';
import type { FoundToken, TokenLookupContext } from './lookup.js';

type FoundApiToken = Extract<FoundToken, { kind: 'api' }>;

/** `client_id` introspection reports for tokens a user owns: no OAuth client was involved in issuing them. */
export const API_TOKEN_CLIENT_ID = 'tollgate-api-token';

/**
 * Active while unexpired and while its owner exists (and, for a user, is enabled). The owner's current allowance
 * still applies: a user whose scopes were cut, or a client whose APIs were cut, cannot keep the old reach through a
 * token made before (RFC 7662 2.2 lets `scope` and `aud` say what the token may do now).
 *
 * A previous secret (regenerated with a grace period) is the same token until its grace ends: its `exp` is that
 * end (or the token's, if sooner), so verifiers never cache it past then, and its `jti` is its own, which joins the
 * revocation list when the grace ends. The owner's `metadata` and `external_id` are extension members (RFC 7662 2.2).
 */
export async function introspectApiToken(
  context: TokenLookupContext,
  { token, previous }: FoundApiToken,
): Promise<IntrospectionResponse> {
  const secret = secretOf(token, previous);
  if (secret === undefined || isExpired(secret.expiresAt, epochSeconds(context.clock))) return { active: false };
  const owner = await currentOwner(context.store, token);
  if (!owner) return { active: false };
  const response: IntrospectionResponse = {
    active: true,
    scope: formatScope(intersectScopes(token.scopes, owner.scopes)),
    client_id: token.ownerKind === 'client' ? token.ownerId : API_TOKEN_CLIENT_ID,
    token_type: 'Bearer',
    iat: secret.issuedAt,
    sub: token.ownerId,
    aud: owner.apis === null ? [...token.apis] : token.apis.filter((api) => owner.apis?.includes(api)),
    iss: context.issuer,
    jti: secret.jti,
  };
  if (secret.expiresAt !== null) response.exp = secret.expiresAt;
  if (owner.username !== undefined) response.username = owner.username;
  if (Object.keys(token.metadata).length > 0) response.metadata = { ...token.metadata };
  if (token.externalId !== null) response.external_id = token.externalId;
  // Extension members (RFC 7662 2.2): what the verifier must enforce for this token (api-token-quota-members.ts).
  Object.assign(response, quotaMembers(token, epochSeconds(context.clock)));
  // RFC 9449 6.2: a token bound at creation is DPoP-typed, and the verifier learns which key must prove it.
  if (token.dpopJkt !== null) {
    response.token_type = 'DPoP';
    response.cnf = { jkt: token.dpopJkt };
  }
  return response;
}

/**
 * The presented secret's own jti, issue time and end. A previous secret's issue time is not kept: the token's
 * creation stands in for it.
 */
function secretOf(
  token: ApiTokenRecord,
  previous: boolean,
): { jti: string; issuedAt: number; expiresAt: number | null } | undefined {
  if (!previous)
    return { jti: token.jti, issuedAt: token.regeneratedAt ?? token.createdAt, expiresAt: token.expiresAt };
  if (token.previous === null) return undefined;
  const graceEnd = token.previous.expiresAt;
  const expiresAt = token.expiresAt === null ? graceEnd : Math.min(graceEnd, token.expiresAt);
  return { jti: token.previous.jti, issuedAt: token.createdAt, expiresAt };
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
  { token, previous }: FoundApiToken,
  request: { clientId: string; remoteAddress: string },
): Promise<void> {
  const now = epochSeconds(context.clock);
  const retainedUntil = revocationExpiresAt(token.expiresAt, now);
  // The old secret of a rollover ends alone: revoking it (as some tools do after a rotation) keeps the new one.
  const revoked = previous
    ? token.previous !== null &&
      (await context.store.apiTokens.revokePrevious(token.id, token.previous.jti, now, retainedUntil))
    : (await context.store.apiTokens.revoke(token.id, now, retainedUntil)) !== undefined;
  if (!revoked) return;
  await context.audit.record(
    { userId: null, name: 'revocation endpoint', address: request.remoteAddress },
    {
      action: AUDIT_ACTIONS.apiTokenRevoke,
      target: token.id,
      detail: { name: token.name, clientId: request.clientId, ...(previous ? { secret: 'previous' } : {}) },
    },
  );
}
