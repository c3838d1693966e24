/** Checks issued access tokens with jose against the server's published JWKS, as any API would. */
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, type JWTHeaderParameters, jwtVerify } from 'jose';
import assert from 'node:assert/strict';
import { asObject, request } from './http.js';

export interface JwkSet {
  keys: Array<Record<string, unknown> & { kid?: string; alg?: string }>;
}

export async function fetchJwks(issuer: string): Promise<JwkSet> {
  const result = await request(`${issuer}/.well-known/jwks.json`);
  assert.equal(result.status, 200, `JWKS: status ${result.status} ${result.text.slice(0, 300)}`);
  const body = asObject(result.json, 'JWKS');
  assert.ok(Array.isArray(body.keys), 'JWKS has no keys array');
  return body as unknown as JwkSet;
}

export interface VerifiedToken {
  payload: JWTPayload & { client_id?: unknown; scope?: unknown };
  header: JWTHeaderParameters;
}

/** Verifies signature, `typ: at+jwt`, issuer, audience and the RFC 9068 required claims; throws otherwise. */
export async function verifyAccessToken(
  issuer: string,
  token: string,
  audience: string,
  algorithms: string[] = ['EdDSA'],
): Promise<VerifiedToken> {
  const jwks = createLocalJWKSet(await fetchJwks(issuer));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer,
    audience,
    algorithms,
    typ: 'at+jwt',
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
  });
  return { payload, header: protectedHeader };
}

export function kidOf(token: string): string | undefined {
  return decodeProtectedHeader(token).kid;
}
