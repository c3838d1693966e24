/**
 * Turning a JWK Set (RFC 7517 5) into verification keys. Only keys fit for verifying Tollgate tokens are kept: a
 * `kid`, `use` absent or `sig`, an `alg` of the registry (lib/algorithms.ts), and key material matching that alg. Everything else is
 * skipped, not fatal, so a JWKS that also publishes, say, an encryption key still works.
 */
import { type KeyObject, createPublicKey } from 'node:crypto';
import { algorithmEntry, isSigningAlgorithm } from './lib/algorithms.js';
import type { SigningAlgorithm, VerificationKey } from './types.js';

/** A JWKS is tiny; a huge one would only cost import time. */
const MAX_KEYS = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7517 4.3: `key_ops`, when present, must allow verification. */
function allowsVerify(jwk: Record<string, unknown>): boolean {
  const ops = jwk.key_ops;
  return ops === undefined || (Array.isArray(ops) && ops.includes('verify'));
}

/**
 * The key the algorithm's registry entry (lib/algorithms.ts) describes, built from its public members only; undefined
 * when the JWK is not such a key. Also used for the key a DPoP proof carries (dpop/jwk.ts).
 */
export function publicKeyOf(jwk: Record<string, unknown>, alg: SigningAlgorithm): KeyObject | undefined {
  const entry = algorithmEntry(alg);
  const profile = entry.jwk;
  if (jwk.kty !== profile.kty || (profile.crv !== undefined && jwk.crv !== profile.crv)) return undefined;
  const members: Record<string, string> = {};
  for (const name of profile.members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') return undefined;
    members[name] = value;
  }
  try {
    const key = createPublicKey({ key: members, format: 'jwk' });
    return entry.fitsKey(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** One JWK to a verification key, or undefined when it is not a usable Tollgate signing key. */
export function importJwk(jwk: unknown): VerificationKey | undefined {
  if (!isRecord(jwk)) return undefined;
  const { kid, alg, use } = jwk;
  if (typeof kid !== 'string' || kid === '') return undefined;
  // RFC 7517 4.2: `use: "enc"` keys are not for signatures. A published private key is a server bug: skip it.
  if ((use !== undefined && use !== 'sig') || !allowsVerify(jwk) || Object.hasOwn(jwk, 'd')) return undefined;
  // RFC 8725 3.1: the JWKS, not the token, says which algorithm a key is for, so a key without `alg` is not used.
  if (!isSigningAlgorithm(alg)) return undefined;
  const publicKey = publicKeyOf(jwk, alg);
  return publicKey === undefined ? undefined : { kid, alg, publicKey };
}

/**
 * The usable keys of a JWK Set by kid. A kid that appears twice is ambiguous (RFC 7517 4.5) and dropped entirely,
 * so a token can never be checked against a key other than the one its issuer meant.
 */
export function importJwks(jwks: Record<string, unknown>): Map<string, VerificationKey> {
  const keys = jwks.keys;
  if (!Array.isArray(keys)) throw new TypeError('the JWKS has no "keys" array');
  const byKid = new Map<string, VerificationKey>();
  const duplicated = new Set<string>();
  for (const jwk of keys.slice(0, MAX_KEYS)) {
    const key = importJwk(jwk);
    if (key === undefined) continue;
    if (byKid.has(key.kid)) duplicated.add(key.kid);
    byKid.set(key.kid, key);
  }
  for (const kid of duplicated) byKid.delete(kid);
  return byKid;
}
