/**
 * Test support: real keys and a raw signer that can put anything into a token, so every forged token in the tests is
 * built the way an attacker would build it (sign for real, then mutate), not hand-typed.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  type AccessTokenValidationOptions,
  type KeyResolver,
  type SigningAlgorithm,
  TokenValidationError,
  type TokenErrorCode,
  type VerificationKey,
  validateAccessToken,
} from '../src/index.js';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';
export const NOW_SECONDS = 1_700_000_000;

export interface TestKey extends VerificationKey {
  privateKey: KeyObject;
}

export function makeKey(alg: SigningAlgorithm, kid = `kid-${alg}`): TestKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

export const KEYS: Readonly<Record<SigningAlgorithm, TestKey>> = {
  EdDSA: makeKey('EdDSA'),
  ES256: makeKey('ES256'),
  RS256: makeKey('RS256'),
};

/** Resolves the given keys by kid; nothing else. */
export function resolverFor(...keys: VerificationKey[]): KeyResolver {
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  return (kid) => byKid.get(kid);
}

export const resolveTestKeys = resolverFor(KEYS.EdDSA, KEYS.ES256, KEYS.RS256);

/** Claims that pass validation at NOW_SECONDS; override or delete (value undefined) to forge. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'usr_alice',
    aud: AUDIENCE,
    exp: NOW_SECONDS + 300,
    iat: NOW_SECONDS,
    jti: 'at_0123456789',
    client_id: 'cli_test',
    scope: 'read write',
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

export function options(overrides: Partial<AccessTokenValidationOptions> = {}): AccessTokenValidationOptions {
  return { issuer: ISSUER, audience: AUDIENCE, now: () => NOW_SECONDS * 1000, ...overrides };
}

export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/** A JSON value is serialized; a string or bytes go in verbatim (for non-JSON and non-UTF-8 payloads). */
export type SegmentContent = Record<string, unknown> | unknown[] | string | number | null | Uint8Array;

function segment(content: SegmentContent): string {
  if (content instanceof Uint8Array || typeof content === 'string') return b64url(content);
  return b64url(JSON.stringify(content));
}

/** Signs `signingInput` with the real algorithm; HS256 takes a secret (for the key confusion forgery). */
export function rawSign(alg: string, signingInput: string, key: KeyObject | Uint8Array): Buffer {
  const data = Buffer.from(signingInput, 'ascii');
  if (alg === 'HS256')
    return createHmac('sha256', key as Uint8Array)
      .update(data)
      .digest();
  const privateKey = key as KeyObject;
  if (alg === 'EdDSA') return sign(null, data, privateKey);
  if (alg === 'ES256') return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return sign('sha256', data, privateKey);
}

export interface ForgeInput {
  /** Defaults to `{alg, kid, typ: 'at+jwt'}` of the key. */
  header?: SegmentContent;
  /** Defaults to validClaims(). */
  payload?: SegmentContent;
  key?: TestKey;
}

/** Builds and really signs a compact JWS with whatever header and payload it is given. */
export function forge({ key = KEYS.EdDSA, header, payload }: ForgeInput = {}): string {
  // `=== undefined`, not `??`: a null header or payload is a forgery to sign, not a request for the default.
  const headerContent = header === undefined ? headerOf(key) : header;
  const payloadContent = payload === undefined ? validClaims() : payload;
  const signingInput = `${segment(headerContent)}.${segment(payloadContent)}`;
  return `${signingInput}.${b64url(rawSign(key.alg, signingInput, key.privateKey))}`;
}

/** The header of `key` with some parameters changed (undefined deletes). */
export function headerOf(key: TestKey, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...changes };
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  return header;
}

const CLIENT_SAFE_DESCRIPTION = /^The (access )?token [a-z ]+( "[a-z_]+" claim)?$/;

/**
 * Validates and asserts the refusal: a TokenValidationError with `code` (and `claim` when given), whose description is
 * one of the fixed client-safe sentences and quotes nothing from the token.
 */
export async function assertRefused(
  token: string,
  code: TokenErrorCode,
  {
    claim,
    resolveKey = resolveTestKeys,
    overrides = {},
  }: {
    claim?: string;
    resolveKey?: KeyResolver;
    overrides?: Partial<AccessTokenValidationOptions>;
  } = {},
): Promise<void> {
  await assert.rejects(validateAccessToken(token, resolveKey, options(overrides)), (error: unknown) => {
    assert.ok(error instanceof TokenValidationError, `expected TokenValidationError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (claim !== undefined) assert.equal(error.claim, claim);
    assert.match(error.description, CLIENT_SAFE_DESCRIPTION);
    assert.equal(error.message, error.description);
    for (const part of typeof token === 'string' ? token.split('.') : []) {
      if (part.length >= 8) assert.ok(!error.message.includes(part.slice(0, 8)), 'description quotes the token');
    }
    return true;
  });
}

/** Validates with the standard options, for the happy paths. */
export function validate(
  token: string,
  overrides: Partial<AccessTokenValidationOptions> = {},
  resolveKey = resolveTestKeys,
) {
  return validateAccessToken(token, resolveKey, options(overrides));
}
