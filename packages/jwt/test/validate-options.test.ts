import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type AccessTokenValidationOptions,
  type KeyResolver,
  TokenValidationError,
  type VerificationKey,
  validateAccessToken,
} from '../src/index.js';
import { AUDIENCE, assertRefused, forge, ISSUER, KEYS, options, resolveTestKeys, validate } from './support.js';

const resolveAs =
  (key: Partial<Record<keyof VerificationKey, unknown>> | null | string): KeyResolver =>
  () =>
    key as VerificationKey;

describe('validateAccessToken treats caller mistakes as TypeErrors', () => {
  const badOptions: Record<string, unknown> = {
    'no options': undefined,
    'a missing issuer': { audience: AUDIENCE },
    'an empty issuer': { issuer: '', audience: AUDIENCE },
    'a non-string issuer': { issuer: [ISSUER], audience: AUDIENCE },
    'a missing audience': { issuer: ISSUER },
    'an empty audience list': { issuer: ISSUER, audience: [] },
    'an empty audience': { issuer: ISSUER, audience: [''] },
    'a non-string audience': { issuer: ISSUER, audience: [1] },
    'an empty algorithm list': { ...options(), algorithms: [] },
    'an unsupported algorithm': { ...options(), algorithms: ['EdDSA', 'HS256'] },
    'an inherited property name as algorithm': { ...options(), algorithms: ['toString'] },
    'algorithms as a string': { ...options(), algorithms: 'EdDSA' },
    'a NaN leeway': { ...options(), clockToleranceSeconds: Number.NaN },
    'a string leeway': { ...options(), clockToleranceSeconds: '5' },
    'a zero maximum lifetime': { ...options(), maxTokenLifetimeSeconds: 0 },
    'a fractional maximum lifetime': { ...options(), maxTokenLifetimeSeconds: 1.5 },
    'an infinite maximum lifetime': { ...options(), maxTokenLifetimeSeconds: Number.POSITIVE_INFINITY },
    'a string maximum lifetime': { ...options(), maxTokenLifetimeSeconds: '86400' },
    'a now that is not a function': { ...options(), now: 1_700_000_000_000 },
    'a now returning NaN': { ...options(), now: () => Number.NaN },
  };
  for (const [mistake, bad] of Object.entries(badOptions)) {
    it(`throws a TypeError for ${mistake}, whatever the token`, async () => {
      for (const token of [forge(), 'not a token']) {
        await assert.rejects(
          validateAccessToken(token, resolveTestKeys, bad as AccessTokenValidationOptions),
          TypeError,
        );
      }
    });
  }

  it('throws a TypeError when resolveKey is not a function, whatever the token', async () => {
    for (const token of [forge(), 'not a token']) {
      await assert.rejects(validateAccessToken(token, {} as unknown as KeyResolver, options()), TypeError);
    }
  });
});

describe('validateAccessToken treats unusable resolved keys as programming errors', () => {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
  const unusable: Record<string, KeyResolver> = {
    'a private key': resolveAs({ ...KEYS.EdDSA, publicKey: KEYS.EdDSA.privateKey }),
    'a key of another type than its alg': resolveAs({ ...KEYS.EdDSA, alg: 'ES256', publicKey: KEYS.EdDSA.publicKey }),
    'a P-256 key declared EdDSA': resolveAs({ ...KEYS.EdDSA, publicKey: KEYS.ES256.publicKey }),
    'a P-384 key declared ES256': resolveAs({ ...KEYS.ES256, publicKey: p384 }),
    'an RSA key under 2048 bits': resolveAs({ ...KEYS.RS256, kid: KEYS.RS256.kid, publicKey: rsa1024 }),
    'a PEM string instead of a KeyObject': resolveAs({
      ...KEYS.EdDSA,
      publicKey: KEYS.EdDSA.publicKey.export({ format: 'pem', type: 'spki' }),
    }),
    'a key for another kid': resolveAs({ ...KEYS.EdDSA, kid: 'another-kid' }),
    'an unsupported alg': resolveAs({ ...KEYS.EdDSA, alg: 'HS256' }),
    'a string': resolveAs('key'),
  };
  for (const [what, resolveKey] of Object.entries(unusable)) {
    it(`throws a TypeError when the resolver returns ${what}`, async () => {
      const key = what.includes('RSA') ? KEYS.RS256 : what.includes('ES256') ? KEYS.ES256 : KEYS.EdDSA;
      await assert.rejects(validate(forge({ key }), {}, resolveKey), (error: unknown) => {
        assert.ok(error instanceof TypeError && !(error instanceof TokenValidationError));
        return true;
      });
    });
  }

  it('treats a resolver returning null as an unknown key', async () => {
    await assertRefused(forge(), 'ERR_TOKEN_UNKNOWN_KEY', { resolveKey: resolveAs(null) });
  });

  it('lets errors thrown by the resolver through unchanged (storage failures are not bad tokens)', async () => {
    const failure = new Error('key store unavailable');
    await assert.rejects(
      validate(forge(), {}, () => {
        throw failure;
      }),
      (error: unknown) => error === failure,
    );
    await assert.rejects(
      validate(forge(), {}, () => Promise.reject(failure)),
      (error: unknown) => error === failure,
    );
  });

  it('works with an asynchronous resolver', async () => {
    const claims = await validate(forge(), {}, async (kid) => resolveTestKeys(kid));
    assert.equal(claims.iss, ISSUER);
  });
});
