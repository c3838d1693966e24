/**
 * The DPoP key (RFC 9449 2): an ES256 key pair made by WebCrypto with a non-extractable private key, so script
 * running later on the page (or a dependency) can use it only while the page lives, never copy it out. The public
 * half goes into every proof as a JWK; its RFC 7638 thumbprint is what a server binds tokens to (`cnf.jkt`).
 */
import { sha256Base64url } from '../lib/base64url.js';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  /** The public key as it appears in a proof's `jwk` header: kty, crv, x, y and nothing else. */
  readonly publicJwk: Readonly<{ kty: 'EC'; crv: 'P-256'; x: string; y: string }>;
  /** RFC 7638 SHA-256 thumbprint of `publicJwk`: `dpop_jkt` (RFC 9449 10) and the tokens' `cnf.jkt`. */
  readonly thumbprint: string;
}

const ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** A fresh key pair whose private half cannot be exported (the `extractable: false` of generateKey). */
export function generateDpopKeyPair(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
}

/**
 * Wraps a key pair (from generateDpopKeyPair, or one kept in IndexedDB across reloads). The public key of a
 * WebCrypto pair is always exportable; an exportable private key is refused, as it would defeat the point.
 */
export async function dpopKeyFrom(pair: CryptoKeyPair): Promise<DpopKey> {
  const { privateKey, publicKey } = pair;
  const algorithm = privateKey.algorithm as Partial<EcKeyAlgorithm>;
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256' || !privateKey.usages.includes('sign')) {
    throw new TypeError('the DPoP key must be an ECDSA P-256 key pair whose private key may sign (ES256)');
  }
  if (privateKey.extractable) throw new TypeError('the DPoP private key must be non-extractable');
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', publicKey);
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new TypeError('the DPoP public key has no x, y');
  const publicJwk = Object.freeze({ kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x, y: jwk.y });
  // RFC 7638 3.2: the required members only, in lexicographic order, no whitespace.
  const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return { privateKey, publicJwk, thumbprint: await sha256Base64url(canonical) };
}
