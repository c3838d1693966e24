/** Minting what a grant decided: the JWT access token (RFC 9068) and the opaque refresh token. */
import { type AccessTokenClaims, MAX_ACCESS_TOKEN_LIFETIME_SECONDS, signAccessToken } from '@tollgate/jwt';
import { epochSeconds } from '../clock.js';
import { randomId, randomToken, sha256Hex } from '../crypto/index.js';
import { InvalidDpopProof } from '../errors.js';
import { rememberProof } from './dpop.js';
import { formatScope } from '../scope.js';
import type { TokenResponse } from '../service.js';
import type { IssuedAccessToken, RefreshTokenFamilyRecord, RefreshTokenRecord } from '../storage/index.js';
import type { Grant, GrantContext } from './context.js';
import { familyEndsAt } from './refresh-lifetime.js';

/** Refresh tokens carry a recognisable prefix so secret scanners can spot a leaked one. */
export const REFRESH_TOKEN_PREFIX = 'tgr_';

export interface MintedAccessToken {
  token: string;
  issued: IssuedAccessToken;
  expiresIn: number;
}

export async function mintAccessToken(context: GrantContext, grant: Grant): Promise<MintedAccessToken> {
  // Every grant mints here, after it authenticated its caller and before it writes anything: the one place the DPoP
  // requirements are enforced and a proof is remembered as used.
  if (grant.proof === undefined) refuseUnbound(grant);
  else await rememberProof(context, grant.proof);
  const now = epochSeconds(context.clock);
  // Checked when the API is added or changed; capped again here for a row written before that check, or by hand.
  const expiresIn = Math.min(grant.api.tokenTtlSeconds, MAX_ACCESS_TOKEN_LIFETIME_SECONDS);
  const claims: AccessTokenClaims = {
    iss: context.issuer,
    sub: grant.subject,
    aud: grant.api.identifier,
    exp: now + expiresIn,
    iat: now,
    jti: randomToken(16),
    client_id: grant.client.id,
    scope: formatScope(grant.scopes),
  };
  // Not an RFC 9068 claim, but APIs want a readable name beside the opaque `sub`, and the client knows it.
  if (grant.username !== null) claims.username = grant.username;
  if (grant.proof !== undefined) claims.cnf = { jkt: grant.proof.jkt };
  const token = await signAccessToken(claims, context.keys.signingKey());
  return { token, issued: { jti: claims.jti, expiresAt: claims.exp }, expiresIn };
}

/**
 * A new refresh token for `familyId`. Its scope is the grant's original scope (RFC 6749 6: a rotated
 * refresh token keeps the scope of the one it replaces), not a narrowed access-token scope.
 */
/** A token of `family`: good for `refreshTokenTtl`, but never past the family's end. */
export function newRefreshToken(
  context: GrantContext,
  grant: Grant,
  family: Pick<RefreshTokenFamilyRecord, 'id' | 'createdAt'>,
  scopes: string[],
): { token: string; record: RefreshTokenRecord } {
  const now = epochSeconds(context.clock);
  const token = REFRESH_TOKEN_PREFIX + randomToken(32);
  const record: RefreshTokenRecord = {
    id: randomId('rt_'),
    tokenHash: sha256Hex(token),
    familyId: family.id,
    clientId: grant.client.id,
    subject: grant.subject,
    username: grant.username,
    scopes,
    audience: grant.api.identifier,
    createdAt: now,
    expiresAt: Math.min(
      now + context.refreshTokenTtlSeconds,
      familyEndsAt(family, context.refreshTokenMaxLifetimeSeconds),
    ),
    consumedAt: null,
  };
  return { token, record };
}

export function tokenResponse(grant: Grant, access: MintedAccessToken, refreshToken?: string): TokenResponse {
  const response: TokenResponse = {
    access_token: access.token,
    token_type: grant.proof === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    scope: formatScope(grant.scopes),
  };
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  return response;
}

/** An API or a client that takes only DPoP-bound tokens (RFC 9449 5.2) refuses a request without a proof. */
function refuseUnbound(grant: Grant): void {
  if (grant.api.dpop === 'required') {
    throw new InvalidDpopProof(`The API ${grant.api.identifier} takes only DPoP-bound tokens: send a DPoP proof`);
  }
  if (grant.client.dpop === 'required') {
    throw new InvalidDpopProof(`The client ${grant.client.id} gets only DPoP-bound tokens: send a DPoP proof`);
  }
}
