/**
 * The forged-token kinds every verifier must refuse, built from a genuine token so that only the forgery
 * differs: same claims, same kid, same audience. Each one would pass a verifier that trusts the token's
 * own header (alg none, alg confusion, embedded keys) or skips the signature.
 */
import { base64url, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import assert from 'node:assert/strict';
import { fetchJwks, kidOf } from './jwt.js';

export interface ForgedToken {
  kind: string;
  token: string;
}

export function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Every forgery of a genuine EdDSA token from `issuer`, each labelled for assertion messages. */
export async function forgeAll(issuer: string, genuine: string): Promise<ForgedToken[]> {
  const claims = claimsOf(genuine);
  const kid = kidOf(genuine);
  assert.ok(kid !== undefined, 'a Tollgate token names its key');
  const [header, , signature] = genuine.split('.');
  const forged: ForgedToken[] = [];

  forged.push({ kind: 'alg none', token: new UnsecuredJWT(claims).encode() });
  forged.push({
    kind: 'alg none with the typ and kid of a genuine token',
    token: `${encodeSegment({ alg: 'none', typ: 'at+jwt', kid })}.${encodeSegment(claims)}.`,
  });

  const widened = { ...claims, scope: 'read:data write:data admin:read admin:write' };
  forged.push({ kind: 'tampered payload', token: `${header}.${encodeSegment(widened)}.${signature}` });

  const published = (await fetchJwks(issuer)).keys.find((key) => key.kid === kid);
  assert.ok(published, 'the genuine kid is in the JWKS');
  const secrets = [new TextEncoder().encode(JSON.stringify(published)), base64url.decode(String(published.x))];
  for (const [index, secret] of secrets.entries()) {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret);
    forged.push({ kind: `HS256 keyed with the public key (${index === 0 ? 'JWK JSON' : 'raw x'})`, token });
  }

  const [, payload] = genuine.split('.');
  for (const unknownKid of ['no-such-key', '../../etc/passwd']) {
    const otherHeader = encodeSegment({ alg: 'EdDSA', typ: 'at+jwt', kid: unknownKid });
    forged.push({ kind: `unknown kid ${unknownKid}`, token: `${otherHeader}.${payload}.${signature}` });
  }

  const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(attacker.publicKey);
  forged.push({
    kind: 'embedded jwk',
    token: await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', jwk }).sign(attacker.privateKey),
  });
  forged.push({
    kind: 'embedded jwk under the genuine kid',
    token: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, jwk })
      .sign(attacker.privateKey),
  });
  forged.push({
    kind: 'signed by another key under the genuine kid',
    token: await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(attacker.privateKey),
  });
  return forged;
}
