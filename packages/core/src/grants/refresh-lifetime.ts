/**
 * The absolute lifetime of a refresh-token family, counted from its first issue (the password grant), as
 * oidc-provider bounds a rotated refresh token by the grant's `iiat`. Rotation (RFC 9700 4.14.2) gives each new
 * token `refreshTokenTtl` from its own issue, so without this bound a family in steady use would never end and a
 * stolen token would be good for as long as the thief keeps rotating it.
 */
import type { RefreshTokenFamilyRecord, RefreshTokenRecord } from '../storage/index.js';

export const DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS = 90 * 86_400;

/** When a family ends (epoch seconds): no token of it is good from then on, however recently it was rotated. */
export function familyEndsAt(family: Pick<RefreshTokenFamilyRecord, 'createdAt'>, maxLifetimeSeconds: number): number {
  return family.createdAt + maxLifetimeSeconds;
}

/**
 * The token as its family's lifetime bounds it: tokens stored before the bound existed, or before it was lowered,
 * end with their family too, for the refresh grant and for introspection alike.
 */
export function boundedByFamily<T extends { token: RefreshTokenRecord; family: RefreshTokenFamilyRecord }>(
  found: T,
  maxLifetimeSeconds: number,
): T {
  const endsAt = familyEndsAt(found.family, maxLifetimeSeconds);
  if (found.token.expiresAt <= endsAt) return found;
  return { ...found, token: { ...found.token, expiresAt: endsAt } };
}
