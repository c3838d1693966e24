import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { SigningAlgorithm } from '@tollgate/jwt';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface GeneratedSigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  kid: string;
  alg: SigningAlgorithm;
  /** The public key as published in the JWKS, with `kid`, `alg` and `use: "sig"`. */
  publicJwk: Record<string, unknown>;
  /** DER PKCS#8; encrypt it (key-encryption.ts) before it goes anywhere. */
  privateKeyPkcs8: Buffer;
}

/**
 * The members of each key type, in the lexicographic order RFC 7638 3.2 hashes them. They are also the only members
 * copied from a JWK when importing, so nothing else in a stored JWK can influence the key.
 */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['crv', 'kty', 'x'],
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
};

/** The key type behind each algorithm: Ed25519 (RFC 8037), P-256 (RFC 7518 3.4), RSA 2048 (RFC 7518 3.3). */
async function generatePair(alg: SigningAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'EdDSA':
      return generateKeyPairAsync('ed25519');
    case 'ES256':
      return generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
    case 'RS256':
      return generateKeyPairAsync('rsa', { modulusLength: 2048 });
    default:
      throw new TypeError('unsupported signing algorithm');
  }
}

/** Picks the thumbprint members of a public JWK, checking that each is a string. */
function keyMembers(jwk: Record<string, unknown>): Record<string, string> {
  const kty = jwk.kty;
  const names = typeof kty === 'string' && Object.hasOwn(THUMBPRINT_MEMBERS, kty) ? THUMBPRINT_MEMBERS[kty] : undefined;
  if (names === undefined) throw new TypeError('JWK kty must be OKP, EC or RSA');
  const members: Record<string, string> = {};
  for (const name of names) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') throw new TypeError(`JWK member ${name} must be a non-empty string`);
    members[name] = value;
  }
  return members;
}

/** RFC 7638 3: SHA-256 over the required members in lexicographic order, no whitespace, base64url. */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  // keyMembers inserts in THUMBPRINT_MEMBERS order, already lexicographic, so JSON.stringify gives the RFC form.
  return createHash('sha256')
    .update(JSON.stringify(keyMembers(jwk)), 'utf8')
    .digest('base64url');
}

export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generatePair(alg);
  const keyJwk = keyMembers(publicKey.export({ format: 'jwk' }) as Record<string, unknown>);
  const kid = jwkThumbprint(keyJwk);
  return {
    kid,
    alg,
    publicJwk: { ...keyJwk, kid, alg, use: 'sig' },
    privateKeyPkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }),
  };
}

export function importPrivateKey(pkcs8: Buffer): KeyObject {
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

/** Imports a public JWK from the store. Private members are refused: a "public" JWK carrying `d` is a bug. */
export function importPublicJwk(jwk: Record<string, unknown>): KeyObject {
  if (typeof jwk !== 'object' || jwk === null) throw new TypeError('JWK must be an object');
  if (Object.hasOwn(jwk, 'd')) throw new TypeError('a public JWK must not contain private key members');
  return createPublicKey({ key: keyMembers(jwk), format: 'jwk' });
}
