/**
 * DPoP proofs (RFC 9449 4.2) made the way a client makes them, with jose and a WebCrypto key pair, plus the
 * overrides an attacker would try (another URL or method, an old `iat`, a proof sent twice).
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface DpopKey {
  alg: 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
  /** RFC 7638 SHA-256 thumbprint: what `cnf.jkt` must be. */
  jkt: string;
}

export async function dpopKey(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

export interface ProofClaims {
  htm: string;
  htu: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  jti?: string;
  ath?: string;
}

export function dpopProof(key: DpopKey, claims: ProofClaims): Promise<string> {
  const { iat = Math.floor(Date.now() / 1000), jti = randomUUID(), ...rest } = claims;
  return new SignJWT({ ...rest, jti, iat })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk })
    .sign(key.privateKey);
}

/** A proof for the token endpoint of `issuer`. */
export function tokenEndpointProof(key: DpopKey, issuer: string, claims: Partial<ProofClaims> = {}): Promise<string> {
  return dpopProof(key, { htm: 'POST', htu: `${issuer}/token`, ...claims });
}
