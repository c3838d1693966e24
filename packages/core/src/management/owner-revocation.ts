/**
 * What a disabled or deleted owner still holds, revoked and put on the revocation stream at once, so verifiers refuse
 * it within a second instead of when their cached introspection answers lapse.
 *
 * JWT access tokens are verified locally and the server records only those issued beside a refresh token; those are
 * deny-listed with their family. An access token issued without one (client_credentials, or a password grant by a
 * client without the refresh_token grant) stays valid until its `exp`: the API's token lifetime, 15 minutes unless
 * configured (docs/admin-api.md says so).
 */
import { epochSeconds } from '../clock.js';
import type { ApiTokenOwnerKind } from '../storage/index.js';
import { isExpired, revocationExpiresAt } from './api-token-rules.js';
import type { ManagementContext } from './context.js';

/**
 * How long a disabled user's API tokens stay on the deny list: longer than any verifier may cache an introspection
 * answer (the SDK and the gateway clamp theirs to 5 minutes), plus a minute for clock skew. After that a verifier asks
 * again, and the server answers `active: false` for as long as the user stays disabled.
 */
export const DISABLED_OWNER_DENY_SECONDS = 360;

export interface RevokedForOwner {
  tokensRevoked: number;
  refreshFamiliesRevoked: number;
}

/** Deletion: the owner's API tokens revoked for good, and every refresh-token family with its access tokens. */
export async function revokeEverythingOf(
  context: ManagementContext,
  kind: ApiTokenOwnerKind,
  id: string,
): Promise<RevokedForOwner> {
  const { store, clock } = context;
  const now = epochSeconds(clock);
  const tokensRevoked = await store.apiTokens.revokeAllOf(kind, id, now, revocationExpiresAt(null, now));
  const refreshFamiliesRevoked = await store.grants.revokeFamiliesOf(
    kind === 'user' ? { subject: id } : { clientId: id },
    now,
  );
  if (tokensRevoked + refreshFamiliesRevoked > 0) context.onRevoked();
  return { tokensRevoked, refreshFamiliesRevoked };
}

/**
 * Disabling: the user's refresh-token families are revoked for good (they sign in again once enabled); their API tokens
 * are kept, since enabling the user restores them, but deny-listed long enough for every cached verdict to lapse.
 */
export async function suspendTokensOf(context: ManagementContext, userId: string): Promise<RevokedForOwner> {
  const { store, clock } = context;
  const now = epochSeconds(clock);
  const tokens = (await store.apiTokens.listByOwner('user', userId)).filter(
    (token) => !isExpired(token.expiresAt, now),
  );
  for (const token of tokens) {
    const until = now + DISABLED_OWNER_DENY_SECONDS;
    await store.revocations.add(token.jti, now, token.expiresAt === null ? until : Math.min(token.expiresAt, until));
  }
  const refreshFamiliesRevoked = await store.grants.revokeFamiliesOf({ subject: userId }, now);
  if (tokens.length + refreshFamiliesRevoked > 0) context.onRevoked();
  return { tokensRevoked: tokens.length, refreshFamiliesRevoked };
}
