/** Test support: keys, a clock the test moves, real signing, forging the way an attacker would, and assertions. */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { type AccessTokenClaims, type SigningAlgorithm, signAccessToken, type VerificationKey } from '@tollgate/jwt';
import { BearerError } from '../src/index.js';

export const AUDIENCE = 'https://api.example.com';

export interface TestKey extends VerificationKey {
  privateKey: KeyObject;
}

export function makeKey(alg: SigningAlgorithm = 'EdDSA', kid = `kid-${alg}-${randomUUID()}`): TestKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** A clock that moves only when the test says so; starts at the real time so real servers and tokens agree. */
export class FakeClock {
  ms = Date.now();
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}

export function claimsAt(
  issuer: string,
  nowSeconds: number,
  overrides: Partial<AccessTokenClaims> = {},
): AccessTokenClaims {
  return {
    iss: issuer,
    sub: 'usr_alice',
    aud: AUDIENCE,
    iat: nowSeconds,
    exp: nowSeconds + 300,
    jti: `at_${randomUUID()}`,
    client_id: 'cli_app',
    scope: 'read:data write:data',
    ...overrides,
  };
}

export function signWith(key: TestKey, claims: AccessTokenClaims): Promise<string> {
  return signAccessToken(claims, { kid: key.kid, alg: key.alg, privateKey: key.privateKey });
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** Signs whatever header and payload it is given for real, with the key's algorithm (or none for an empty sig). */
export function forge(key: TestKey, header: Record<string, unknown>, payload: object): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input, 'ascii');
  const signature =
    key.alg === 'EdDSA'
      ? sign(null, data, key.privateKey)
      : key.alg === 'ES256'
        ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
        : sign('sha256', data, key.privateKey);
  return `${input}.${b64url(signature)}`;
}

/** Asserts a BearerError with the given status/error/description that quotes nothing from the token. */
export async function assertRefused(
  promise: Promise<unknown>,
  expected: { status: number; error: string | undefined; description?: string | RegExp; code?: string },
  token?: string,
): Promise<BearerError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof BearerError, `expected BearerError, got ${String(caught)}`);
  assert.equal(caught.status, expected.status);
  assert.equal(caught.error, expected.error);
  if (typeof expected.description === 'string') assert.equal(caught.description, expected.description);
  else if (expected.description !== undefined) assert.match(caught.description ?? '', expected.description);
  if (expected.code !== undefined) assert.equal(caught.code, expected.code);
  for (const part of token?.split('.') ?? []) {
    if (part.length >= 8) assert.ok(!caught.message.includes(part.slice(0, 8)), 'the error quotes the token');
  }
  return caught;
}

/** Polls until `check` holds or `timeoutMs` passes; returns the milliseconds it took. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}
