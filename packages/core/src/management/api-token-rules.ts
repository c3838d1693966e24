/**
 * What an API token may be: pure rules, so they are tested without a store. A token narrows its owner: it can
 * reach only APIs the owner may reach and carry only scopes the owner has and the chosen APIs offer. Anything
 * wider is refused with the offending value named, never silently dropped.
 */
import { checkName, checkScopes, printable } from './validate.js';
import { InvalidRequest, InvalidScope } from '../errors.js';
import type { ApiRecord } from '../storage/index.js';
import { isAdminScope } from '../admin-access/scopes.js';
import { MAX_API_TOKEN_TTL_SECONDS, MIN_API_TOKEN_TTL_SECONDS } from './config.js';
import type { ManagementConfig } from './contract.js';

/** What a token's owner may reach; `apis` null means every registered API (users, and clients without a list). */
export interface OwnerAllowance {
  scopes: readonly string[];
  apis: readonly string[] | null;
}

const MAX_TOKEN_APIS = 100;
/**
 * How long a revoked or replaced secret stays on the deny list: verifiers cache an introspection answer for at most
 * 5 minutes, so after that nobody can still accept it. A day leaves a wide margin.
 */
export const API_TOKEN_REVOCATION_RETENTION_SECONDS = 86_400;

export function checkTokenName(name: string): string {
  return checkName(name, 'name', 100);
}

export function checkTokenApis(
  requested: readonly string[],
  registered: readonly ApiRecord[],
  owner: OwnerAllowance,
): ApiRecord[] {
  const unique = [...new Set(requested)];
  if (unique.length === 0) throw new InvalidRequest('apis: choose at least one API');
  if (unique.length > MAX_TOKEN_APIS) throw new InvalidRequest(`apis: at most ${MAX_TOKEN_APIS}`);
  return unique.map((identifier) => {
    const api = registered.find((candidate) => candidate.identifier === identifier);
    if (!api) throw new InvalidRequest(`apis: ${printable(identifier)} is not a registered API`);
    if (owner.apis !== null && !owner.apis.includes(identifier)) {
      throw new InvalidRequest(`apis: the owner may not use ${printable(identifier)}`);
    }
    return api;
  });
}

export function checkTokenScopes(
  requested: readonly string[],
  owner: OwnerAllowance,
  apis: readonly ApiRecord[],
): string[] {
  const scopes = checkScopes(requested);
  if (scopes.length === 0) throw new InvalidRequest('scopes: choose at least one scope');
  for (const scope of scopes) {
    if (!owner.scopes.includes(scope)) {
      throw new InvalidScope(
        isAdminScope(scope)
          ? `scope "${scope}" is an admin scope: only a token of an administrator, or of a client allowed it, may carry it`
          : `scope "${scope}" is beyond the owner's scopes`,
      );
    }
    if (!apis.some((api) => api.scopes.includes(scope))) {
      throw new InvalidScope(`scope "${scope}" is not offered by any of the chosen APIs`);
    }
  }
  return scopes;
}

/** Epoch seconds of expiry, or null for never. Omitted = the configured default. */
export function tokenExpiresAt(
  expiresInSeconds: number | null | undefined,
  config: Pick<ManagementConfig, 'apiTokenDefaultTtlSeconds' | 'allowNeverExpiringApiTokens'>,
  now: number,
): number | null {
  if (expiresInSeconds === undefined) return now + config.apiTokenDefaultTtlSeconds;
  if (expiresInSeconds === null) {
    if (!config.allowNeverExpiringApiTokens) {
      throw new InvalidRequest('expiresInSeconds: this server does not allow tokens that never expire');
    }
    return null;
  }
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < MIN_API_TOKEN_TTL_SECONDS ||
    expiresInSeconds > MAX_API_TOKEN_TTL_SECONDS
  ) {
    throw new InvalidRequest(
      `expiresInSeconds must be a whole number from ${MIN_API_TOKEN_TTL_SECONDS} (1 hour) to ${MAX_API_TOKEN_TTL_SECONDS} (5 years)`,
    );
  }
  return now + expiresInSeconds;
}

/** The longest grace period a regeneration may give the old secret: 7 days, as Stripe allows. */
export const MAX_API_TOKEN_GRACE_SECONDS = 7 * 86_400;

/** When the old secret stops working: null (at once) without a grace period. */
export function graceEndsAt(graceSeconds: number | undefined, now: number): number | null {
  if (graceSeconds === undefined) return null;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 1 || graceSeconds > MAX_API_TOKEN_GRACE_SECONDS) {
    throw new InvalidRequest(`graceSeconds must be a whole number from 1 to ${MAX_API_TOKEN_GRACE_SECONDS} (7 days)`);
  }
  return now + graceSeconds;
}

/** Until when a replaced or revoked secret's jti stays on the revocation list. */
export function revocationExpiresAt(tokenExpiresAt: number | null, now: number): number {
  const retained = now + API_TOKEN_REVOCATION_RETENTION_SECONDS;
  return tokenExpiresAt === null ? retained : Math.min(tokenExpiresAt, retained);
}

export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && expiresAt <= now;
}

/** The most notice "expiring soon" gives: a week is time enough to replace a long-lived token. */
export const EXPIRING_SOON_SECONDS = 7 * 86_400;
/** The share of its lifetime at whose end a token is "expiring soon", when that is less than a week. */
const EXPIRING_SOON_SHARE = 0.25;

/**
 * Expired, or within its last week or last quarter of life, whichever is shorter: a 90-day token is flagged 7
 * days ahead, a 7-day one 42 hours ahead, and none the moment it is made. The lifetime runs from creation, which a
 * regeneration keeps.
 */
export function isExpiringSoon(createdAt: number, expiresAt: number | null, now: number): boolean {
  if (expiresAt === null) return false;
  const noticeSeconds = Math.min(EXPIRING_SOON_SECONDS, (expiresAt - createdAt) * EXPIRING_SOON_SHARE);
  return expiresAt - now <= noticeSeconds;
}
