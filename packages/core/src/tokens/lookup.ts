/**
 * Finds what a presented token is, for introspection and revocation: one of our JWT access tokens
 * (validated by the one shared validation module), one of our refresh tokens or one of our API tokens (both
 * looked up by hash).
 * Anything else — forged, expired, garbage — is simply not found.
 *
 * "Not found" must mean "not ours", never "not known here yet": revocation answers 200 for it (RFC 7009 2.2) and
 * introspection `active: false`. A JWT whose `kid` this node does not know may come from a key another node rotated
 * in a moment ago, so the keys are re-read from the store before deciding; if they cannot be read, the store error
 * propagates and the client gets 503 and retries, rather than an acknowledgement of nothing.
 */
import {
  type AccessTokenClaims,
  checkApiTokenFormat,
  isApiToken,
  type KeyResolver,
  type VerificationKey,
  validateAccessToken,
} from '@tollgate/jwt';
import type { Clock } from '../clock.js';
import type { AuditLog } from '../audit/record.js';
import { sha256Hex } from '../crypto/index.js';
import { REFRESH_TOKEN_PREFIX } from '../grants/issue.js';
import { boundedByFamily } from '../grants/refresh-lifetime.js';
import type { KeyRing } from '../keys/keyring.js';
import type { ApiTokenRecord, RefreshTokenFamilyRecord, RefreshTokenRecord, Store } from '../storage/index.js';
import type { VerifiedAccessTokens } from './verified-access-tokens.js';

export interface TokenLookupContext {
  store: Store;
  /** Every registered API's identifier: what a JWT's `aud` may be (kept in memory, catalog/catalog-cache.ts). */
  audiences(): Promise<readonly string[]>;
  keys: KeyRing;
  /** Access tokens validated before, judged again without their signature check (verified-access-tokens.ts). */
  verified: VerifiedAccessTokens;
  clock: Clock;
  issuer: string;
  clockToleranceSeconds: number;
  refreshTokenMaxLifetimeSeconds: number;
  /** Where a revocation of an API token through RFC 7009 is recorded. */
  audit: AuditLog;
}

export type FoundToken =
  | { kind: 'access'; claims: AccessTokenClaims }
  | { kind: 'refresh'; token: RefreshTokenRecord; family: RefreshTokenFamilyRecord }
  /** `previous`: the secret presented is the one a regeneration with a grace period replaced. */
  | { kind: 'api'; token: ApiTokenRecord; previous: boolean };

const MAX_TOKEN_LENGTH = 8192;

export async function lookupToken(
  context: TokenLookupContext,
  token: string,
  tokenTypeHint: string | undefined,
): Promise<FoundToken | undefined> {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  if (isApiToken(token)) return findApiToken(context, token);
  // The hint only orders the search (RFC 7009 2.1, RFC 7662 2.1); our refresh tokens are recognisable anyway.
  const refreshFirst = tokenTypeHint === 'refresh_token' || token.startsWith(REFRESH_TOKEN_PREFIX);
  if (refreshFirst) return (await findRefresh(context, token)) ?? (await findAccess(context, token));
  return (await findAccess(context, token)) ?? (await findRefresh(context, token));
}

/** The format check refuses typos and guesses without touching the store. */
async function findApiToken(context: TokenLookupContext, token: string): Promise<FoundToken | undefined> {
  if (checkApiTokenFormat(token) !== 'ok') return undefined;
  const tokenHash = sha256Hex(token);
  const found = await context.store.apiTokens.findByHash(tokenHash);
  return found && { kind: 'api', token: found, previous: found.tokenHash !== tokenHash };
}

async function findRefresh(context: TokenLookupContext, token: string): Promise<FoundToken | undefined> {
  if (!token.startsWith(REFRESH_TOKEN_PREFIX)) return undefined;
  const found = await context.store.grants.findRefreshToken(sha256Hex(token));
  return found && { kind: 'refresh', ...boundedByFamily(found, context.refreshTokenMaxLifetimeSeconds) };
}

async function findAccess(context: TokenLookupContext, token: string): Promise<FoundToken | undefined> {
  if (token.split('.').length !== 3) return undefined;
  const audience = await context.audiences();
  if (audience.length === 0) return undefined;
  const digest = context.verified.digestOf(token);
  const recalled = context.verified.recall(digest, context.keys, audience);
  if (recalled !== undefined) return { kind: 'access', claims: recalled };
  let first = await validateWithKnownKeys(context, token, audience);
  if (first.unknownKid) {
    // The key may be newer than our last reload (another node rotated it in): read the store, then judge again.
    await context.keys.reload();
    first = await validateWithKnownKeys(context, token, audience);
  }
  if (first.found === undefined || first.key === undefined) return undefined;
  context.verified.remember(digest, first.found.claims, first.key);
  return first.found;
}

interface Validated {
  found: Extract<FoundToken, { kind: 'access' }> | undefined;
  /** The key that verified the signature, when it held. */
  key: VerificationKey | undefined;
  /** The token's (well-formed) kid was not among the keys in memory. */
  unknownKid: boolean;
}

/** Validates with the keys in memory. */
async function validateWithKnownKeys(
  context: TokenLookupContext,
  token: string,
  audience: readonly string[],
): Promise<Validated> {
  let unknownKid = false;
  let key: VerificationKey | undefined;
  const resolve: KeyResolver = (kid) => {
    key = context.keys.resolve(kid);
    if (key === undefined) unknownKid = true;
    return key;
  };
  try {
    const claims = await validateAccessToken(token, resolve, {
      issuer: context.issuer,
      audience,
      clockToleranceSeconds: context.clockToleranceSeconds,
      now: context.clock,
    });
    return { found: { kind: 'access', claims }, key, unknownKid: false };
  } catch (error) {
    if (error instanceof Error && error.name === 'TokenValidationError') return { found: undefined, key, unknownKid };
    throw error;
  }
}
