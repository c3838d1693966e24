/**
 * RFC 6749 6 with rotation (RFC 9700 4.14.2): every use consumes the refresh token and returns a new one
 * of the same family. A consumed token presented again means it leaked or raced: the whole family is
 * revoked, with every access token issued from it. The consume is a compare-and-set in the store, so of
 * concurrent uses at most one succeeds, across processes and nodes alike.
 */
import type { VerifiedDpopProof } from '@tollgate/jwt';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { sha256Hex } from '../crypto/index.js';
import type { ActingClient } from '../clients/authenticate.js';
import {
  InvalidClient,
  InvalidDpopProof,
  InvalidGrant,
  InvalidRequest,
  InvalidTarget,
  UnauthorizedClient,
} from '../errors.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import type { RefreshTokenFamilyRecord, RefreshTokenRecord, UserRecord } from '../storage/index.js';
import type { GrantContext } from './context.js';
import { mintAccessToken, newRefreshToken, tokenResponse } from './issue.js';
import { boundedByFamily, familyEndsAt } from './refresh-lifetime.js';
import { auditReplay } from './replay.js';
import { grantScopes, requireGrantedScope } from './scopes.js';

const INVALID = 'The refresh token is invalid, expired or revoked';
const FAMILY_ENDED = 'The grant of this refresh token reached its maximum lifetime; sign in again';
const REPLAYED = 'The refresh token was already used; every token of its grant has been revoked';
const MAX_REFRESH_TOKEN_LENGTH = 512;

export async function refreshTokenGrant(
  context: GrantContext,
  request: TokenRequest,
  proof: VerifiedDpopProof | undefined,
): Promise<TokenResponse> {
  const presented = request.params.get('refresh_token');
  if (presented === undefined) throw new InvalidRequest('The refresh_token parameter is required');
  const stored =
    presented.length <= MAX_REFRESH_TOKEN_LENGTH
      ? await context.store.grants.findRefreshToken(sha256Hex(presented))
      : undefined;
  const found = stored && boundedByFamily(stored, context.refreshTokenMaxLifetimeSeconds);
  // Authenticate first: nothing is said about a token to a client that has not proven who it is.
  const client = await context.clients.authenticate(request.client, request.remoteAddress, true);
  if (!found) throw new InvalidGrant(INVALID);
  const { token, family } = found;
  if (token.clientId !== client.id) {
    if (!client.confidential) throw new InvalidClient('Client authentication is required for this refresh token');
    throw new InvalidGrant('The refresh token was issued to another client');
  }
  if (!client.grantTypes.includes('refresh_token')) {
    throw new UnauthorizedClient('This client may not use the refresh_token grant');
  }
  const now = epochSeconds(context.clock);
  if (family.revokedAt !== null) throw new InvalidGrant(INVALID);
  if (familyEndsAt(family, context.refreshTokenMaxLifetimeSeconds) <= now) throw new InvalidGrant(FAMILY_ENDED);
  if (token.expiresAt <= now) throw new InvalidGrant(INVALID);
  if (token.consumedAt !== null) return reused(context, token, request.remoteAddress, now);
  checkKeyBinding(client, family, proof?.jkt);
  checkResource(request.resources, token);
  const api = await context.store.apis.get(token.audience);
  if (!api) throw new InvalidGrant('The API this refresh token was issued for no longer exists');
  const user = await currentUser(context, token);
  // The new access token may narrow the scope (RFC 6749 6) and never exceeds what is allowed today.
  const scopes = requireGrantedScope(
    grantScopes(request.params.get('scope'), token.scopes, api.scopes, user?.scopes ?? null, client.scopes),
    api,
    [
      { label: 'this refresh token', scopes: token.scopes },
      { label: `user ${token.username ?? token.subject}`, scopes: user?.scopes ?? null },
      { label: `client ${client.id}`, scopes: client.scopes },
    ],
  );
  const grant = { subject: token.subject, username: token.username, client, api, scopes, proof };

  const access = await mintAccessToken(context, grant);
  const next = newRefreshToken(context, grant, family, token.scopes);
  if (!(await context.store.grants.rotate(token.id, now, next.record, access.issued))) {
    return reused(context, token, request.remoteAddress, now);
  }
  return tokenResponse(grant, access, next.token);
}

/** A consumed token presented again, or the loser of a race for one: its whole family goes. */
async function reused(
  context: GrantContext,
  token: RefreshTokenRecord,
  remoteAddress: string,
  now: number,
): Promise<never> {
  await context.store.grants.revokeFamily(token.familyId, now);
  await auditReplay(context, {
    action: AUDIT_ACTIONS.refreshTokenReuse,
    clientId: token.clientId,
    subject: token.subject,
    username: token.username,
    familyId: token.familyId,
    remoteAddress,
  });
  throw new InvalidGrant(REPLAYED);
}

/**
 * RFC 9449 5: a public client's refresh token is bound to the DPoP key of the grant, so a stolen one is useless
 * without that key. A confidential client proves itself with its secret and may move to a new key.
 */
function checkKeyBinding(client: ActingClient, family: RefreshTokenFamilyRecord, jkt: string | undefined): void {
  if (client.confidential || family.dpopJkt === null) return;
  if (jkt === undefined) throw new InvalidDpopProof('This refresh token is bound to a DPoP key: send a DPoP proof');
  if (jkt !== family.dpopJkt) throw new InvalidGrant('The refresh token is bound to another DPoP key');
}

/** RFC 8707 2.2: a refresh may name the resource, but only the one the grant was for. */
function checkResource(resources: readonly string[], token: RefreshTokenRecord): void {
  if (resources.length === 0) return;
  if (resources.length > 1 || resources[0] !== token.audience) {
    throw new InvalidTarget('A refresh token only yields tokens for the API it was issued for');
  }
}

/** A user removed or disabled since the grant can no longer refresh. */
async function currentUser(context: GrantContext, token: RefreshTokenRecord): Promise<UserRecord | undefined> {
  if (token.username === null) return undefined;
  const user = await context.store.users.getById(token.subject);
  if (!user || user.disabled) throw new InvalidGrant(INVALID);
  return user;
}
