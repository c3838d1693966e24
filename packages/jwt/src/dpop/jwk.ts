/**
 * The public key a DPoP proof carries in its `jwk` header (RFC 9449 4.2), and its RFC 7638 thumbprint, the `jkt` an
 * access token is bound to (RFC 9449 6.1). Which key types exist and which members make one comes from the algorithm
 * registry (lib/algorithms.ts); nothing here enumerates algorithms.
 */
import { type JsonWebKey, KeyObject, createHash, createPublicKey } from 'node:crypto';
import { publicKeyOf } from '../jwks.js';
import { algorithmEntry } from '../lib/algorithms.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../types.js';

/** An RFC 7638 SHA-256 thumbprint in base64url, as jwkThumbprint makes it: 43 characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` can be a key thumbprint (`cnf.jkt`, RFC 9449 6.1); anything else names no key. */
export function isJwkThumbprint(value: unknown): value is string {
  return typeof value === 'string' && THUMBPRINT.test(value);
}

/** RFC 7518 6.2.2, 6.3.2, 6.4 and RFC 8037 2: the members that only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 9449 4.3 step 7: the `jwk` must not contain a private key. */
export function hasPrivateMembers(jwk: Record<string, unknown>): boolean {
  return PRIVATE_MEMBERS.some((name) => Object.hasOwn(jwk, name));
}

/**
 * The proof's key as a KeyObject fit for `alg`, or undefined. Its `kty`/`crv` must be the algorithm's (RFC 8725 3.1:
 * an ES256 proof with an RSA key is refused, not tried), and a JWK `alg`, when present, must agree (RFC 7517 4.4).
 */
export function proofKeyOf(jwk: Record<string, unknown>, alg: SigningAlgorithm): KeyObject | undefined {
  if (jwk.alg !== undefined && jwk.alg !== alg) return undefined;
  return publicKeyOf(jwk, alg);
}

/** RFC 7638 3.2: the required members of a key's type, as the registry describes that type. */
function requiredMembers(jwk: JsonWebKey): readonly string[] | undefined {
  for (const alg of SIGNING_ALGORITHMS) {
    const { kty, crv, members } = algorithmEntry(alg).jwk;
    if (jwk.kty === kty && (crv === undefined || jwk.crv === crv)) return members;
  }
  return undefined;
}

/**
 * RFC 7638 3: SHA-256 over the required members in lexicographic order, without whitespace, base64url-encoded.
 * The members are read back from the imported key, not taken from what the client sent, so two spellings of one key
 * (say, an EC coordinate with its leading zero byte dropped) can never give two thumbprints.
 */
export function thumbprintOf(publicKey: KeyObject): string | undefined {
  const jwk = publicKey.export({ format: 'jwk' });
  const members = requiredMembers(jwk);
  if (members === undefined) return undefined;
  const canonical = [...members]
    .sort()
    .map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name as keyof JsonWebKey])}`)
    .join(',');
  return createHash('sha256').update(`{${canonical}}`).digest('base64url');
}

function publicKeyFrom(key: KeyObject | Record<string, unknown>): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'public') throw new TypeError('jwkThumbprint takes a public key');
    return key;
  }
  if (!isRecord(key) || hasPrivateMembers(key)) throw new TypeError('jwkThumbprint takes a public JWK');
  try {
    return createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
  } catch {
    throw new TypeError('jwkThumbprint was given a JWK that is not a valid public key');
  }
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public key (a KeyObject or a public JWK), as `cnf.jkt` carries it (RFC 9449
 * 6.1). Throws TypeError for a private key or a key type Tollgate does not verify (see SIGNING_ALGORITHMS).
 */
export function jwkThumbprint(key: KeyObject | Record<string, unknown>): string {
  const thumbprint = thumbprintOf(publicKeyFrom(key));
  if (thumbprint === undefined) throw new TypeError('jwkThumbprint was given a key type Tollgate does not support');
  return thumbprint;
}

/**
 * RFC 9449 4.2 `ath`: base64url(SHA-256(ASCII of the access token)). Access tokens are ASCII (RFC 6750 2.1 b64token,
 * or `tg_` API tokens), for which UTF-8 and ASCII are the same bytes.
 */
export function accessTokenHash(accessToken: string): string {
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TypeError('accessTokenHash takes a non-empty string');
  }
  return createHash('sha256').update(accessToken).digest('base64url');
}
