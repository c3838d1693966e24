/**
 * The proof's claims (RFC 9449 4.2) against the request (4.3 steps 3, 8, 9, 11, 12). Read only once the signature
 * holds, so a forged proof learns nothing beyond "signature invalid".
 */
import { DpopProofError } from './errors.js';
import { MAX_HTU_LENGTH, normalizeHtu } from './htu.js';
import type { NormalizedExpectations } from './options.js';

/**
 * RFC 9449 11.1: a server tracking `jti` values "should reject DPoP proof JWTs with unnecessarily large jti values".
 * 96 random bits (the RFC's minimum) are 16 base64url characters, a UUID is 36: 128 leaves room for any encoding.
 */
export const MAX_JTI_LENGTH = 128;
/** `ath` is a SHA-256 in base64url (43 characters); nonces are ours and short. Anything longer is not one of them. */
const MAX_ATH_LENGTH = 64;
const MAX_NONCE_LENGTH = 256;
/** RFC 9110 9.1: method names are short tokens. */
const MAX_HTM_LENGTH = 32;

export interface ProofClaims {
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  ath: string | undefined;
  nonce: string | undefined;
}

function requiredString(payload: Record<string, unknown>, claim: string, maxLength: number): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value === '' || value.length > maxLength) {
    throw new DpopProofError('ERR_DPOP_CLAIM_INVALID', claim);
  }
  return value;
}

function optionalString(payload: Record<string, unknown>, claim: string, maxLength: number): string | undefined {
  return payload[claim] === undefined ? undefined : requiredString(payload, claim, maxLength);
}

/** RFC 9449 4.3 step 3: the required claims, each of its type; optional ones of their type when present. */
function readClaims(payload: Record<string, unknown>): ProofClaims {
  const iat = payload.iat;
  // RFC 7519 2 NumericDate: a JSON number; Number.isFinite also refuses 1e999, which JSON.parse makes Infinity.
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofError('ERR_DPOP_CLAIM_INVALID', 'iat');
  return {
    jti: requiredString(payload, 'jti', MAX_JTI_LENGTH),
    htm: requiredString(payload, 'htm', MAX_HTM_LENGTH),
    htu: requiredString(payload, 'htu', MAX_HTU_LENGTH),
    iat,
    ath: optionalString(payload, 'ath', MAX_ATH_LENGTH),
    nonce: optionalString(payload, 'nonce', MAX_NONCE_LENGTH),
  };
}

/** RFC 9449 4.3 step 11 and 11.1: not older than the window, and not further ahead than the allowed clock skew. */
function checkIat(iat: number, expected: NormalizedExpectations): void {
  const ageSeconds = expected.nowSeconds - iat;
  if (ageSeconds > expected.maxAgeSeconds) throw new DpopProofError('ERR_DPOP_STALE', 'iat');
  if (-ageSeconds > expected.clockSkewSeconds) throw new DpopProofError('ERR_DPOP_NOT_YET_VALID', 'iat');
}

/** Checks the claims against the request; the key binding and nonce are the caller's, after these. */
export function checkProofClaims(payload: Record<string, unknown>, expected: NormalizedExpectations): ProofClaims {
  const claims = readClaims(payload);
  // RFC 9449 4.3 step 8; RFC 9110 9.1: methods are case-sensitive, so `get` is not `GET`.
  if (claims.htm !== expected.method) throw new DpopProofError('ERR_DPOP_METHOD_MISMATCH', 'htm');
  // Step 9: query and fragment ignored on both sides, after RFC 3986 6.2.2 / 6.2.3 normalization.
  const htu = normalizeHtu(claims.htu);
  if (htu === undefined) throw new DpopProofError('ERR_DPOP_CLAIM_INVALID', 'htu');
  if (htu !== expected.htu) throw new DpopProofError('ERR_DPOP_URI_MISMATCH', 'htu');
  checkIat(claims.iat, expected);
  // Step 12 and 7: with an access token, `ath` is required and must be that token's hash.
  if (expected.ath !== undefined && claims.ath !== expected.ath) {
    throw new DpopProofError('ERR_DPOP_ATH_MISMATCH', 'ath');
  }
  return claims;
}
