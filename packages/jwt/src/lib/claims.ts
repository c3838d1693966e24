import type { AccessTokenClaims } from '../types.js';
import { isJwkThumbprint } from '../dpop/jwk.js';
import { refuse } from './refuse.js';

/** What the claims are checked against; produced once per call by `normalizeOptions`. */
export interface ClaimExpectations {
  issuer: string;
  audiences: readonly string[];
  nowSeconds: number;
  toleranceSeconds: number;
  maxLifetimeSeconds: number;
}

/** RFC 7519 2: a NumericDate is a JSON number (fractions allowed). Strings, null and booleans are not. */
function numericDate(payload: Record<string, unknown>, claim: string): number {
  const value = payload[claim];
  // Number.isFinite also refuses 1e999, which JSON.parse turns into Infinity.
  if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('ERR_TOKEN_CLAIM_INVALID', claim);
  return value;
}

function nonEmptyString(payload: Record<string, unknown>, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0) throw refuse('ERR_TOKEN_CLAIM_INVALID', claim);
  return value;
}

function optionalString(payload: Record<string, unknown>, claim: string): string | undefined {
  const value = payload[claim];
  if (value !== undefined && typeof value !== 'string') throw refuse('ERR_TOKEN_CLAIM_INVALID', claim);
  return value;
}

/**
 * RFC 7800 3.1 `cnf` with RFC 9449 6.1's `jkt`. Any other confirmation method (mTLS `x5t#S256`, a `jwk`, ...) is
 * one no Tollgate verifier can check, so such a token is refused rather than accepted as an unbound bearer token.
 */
function confirmation(payload: Record<string, unknown>): { jkt: string } | undefined {
  const cnf = payload.cnf;
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) throw refuse('ERR_TOKEN_CLAIM_INVALID', 'cnf');
  const { jkt, ...others } = cnf as Record<string, unknown>;
  if (!isJwkThumbprint(jkt) || Object.keys(others).length > 0) {
    throw refuse('ERR_TOKEN_CLAIM_INVALID', 'cnf');
  }
  return { jkt };
}

/** RFC 7519 4.1.3 allows an array; Tollgate tokens name exactly one audience, so only `"a"` or `["a"]` pass. */
function singleAudience(payload: Record<string, unknown>, audiences: readonly string[]): string {
  let aud = payload.aud;
  if (Array.isArray(aud) && aud.length === 1) aud = aud[0];
  if (typeof aud !== 'string' || !audiences.includes(aud)) throw refuse('ERR_TOKEN_AUDIENCE_INVALID', 'aud');
  return aud;
}

/** RFC 7519 4.1.4 / 4.1.5 / 4.1.6, each with the same leeway for clock skew. */
function checkTimes(payload: Record<string, unknown>, expected: ClaimExpectations) {
  const { nowSeconds, toleranceSeconds } = expected;
  const exp = numericDate(payload, 'exp');
  const iat = numericDate(payload, 'iat');
  const nbf = payload.nbf === undefined ? undefined : numericDate(payload, 'nbf');
  // The current time MUST be before exp: at exp + leeway the token is expired.
  if (nowSeconds >= exp + toleranceSeconds) throw refuse('ERR_TOKEN_EXPIRED', 'exp');
  if (nbf !== undefined && nbf > nowSeconds + toleranceSeconds) throw refuse('ERR_TOKEN_NOT_YET_VALID', 'nbf');
  // RFC 9068 2.2 requires iat; one further ahead than the leeway comes from a skewed or forged clock.
  if (iat > nowSeconds + toleranceSeconds) throw refuse('ERR_TOKEN_NOT_YET_VALID', 'iat');
  // RFC 7519 4.1.4 lets a verifier refuse by its own policy: no token lives longer than the issuer ever issues, so a
  // leaked key or a backdated iat cannot mint one that outlives the deny list (which forgets entries at exp).
  if (exp - iat > expected.maxLifetimeSeconds) throw refuse('ERR_TOKEN_LIFETIME_TOO_LONG', 'exp');
  return { exp, iat, nbf };
}

/** RFC 9068 2.2 required claims plus Tollgate's own; returns only the claims it checked. */
export function checkClaims(payload: Record<string, unknown>, expected: ClaimExpectations): AccessTokenClaims {
  const iss = payload.iss;
  if (iss !== expected.issuer) throw refuse('ERR_TOKEN_ISSUER_INVALID', 'iss');
  const aud = singleAudience(payload, expected.audiences);
  const { exp, iat, nbf } = checkTimes(payload, expected);
  const claims: AccessTokenClaims = {
    iss,
    sub: nonEmptyString(payload, 'sub'),
    aud,
    exp,
    iat,
    jti: nonEmptyString(payload, 'jti'),
    client_id: nonEmptyString(payload, 'client_id'),
    // RFC 9068 2.2.3: scope is optional; absent means no scopes.
    scope: optionalString(payload, 'scope') ?? '',
  };
  if (nbf !== undefined) claims.nbf = nbf;
  const username = optionalString(payload, 'username');
  if (username !== undefined) claims.username = username;
  const cnf = confirmation(payload);
  if (cnf !== undefined) claims.cnf = cnf;
  return claims;
}
