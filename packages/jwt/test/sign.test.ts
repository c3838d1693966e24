import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { type AccessTokenClaims, SIGNING_ALGORITHMS, signAccessToken } from '../src/index.js';
import { AUDIENCE, ISSUER, KEYS, NOW_SECONDS, makeKey, resolverFor, validate, validClaims } from './support.js';

const claims = validClaims() as unknown as AccessTokenClaims;

describe('signAccessToken', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`issues ${alg} tokens that validate back to the same claims`, async () => {
      const token = await signAccessToken(claims, KEYS[alg]);
      assert.deepEqual(await validate(token), claims);
    });
  }

  it('writes exactly {alg, kid, typ: "at+jwt"} into the protected header', async () => {
    const token = await signAccessToken(claims, KEYS.ES256);
    const headerJson = Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8');
    assert.equal(headerJson, JSON.stringify({ alg: 'ES256', kid: KEYS.ES256.kid, typ: 'at+jwt' }));
  });

  it('issues tokens an independent RFC 9068 verifier (jose) accepts', async () => {
    const token = await signAccessToken(claims, KEYS.EdDSA);
    const { payload, protectedHeader } = await jwtVerify(token, KEYS.EdDSA.publicKey, {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['EdDSA'],
      currentDate: new Date(NOW_SECONDS * 1000),
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
    });
    assert.equal(payload.client_id, claims.client_id);
    assert.equal(protectedHeader.typ, 'at+jwt');
  });

  // Ed25519 (RFC 8032 5.1.6) and RSASSA-PKCS1-v1_5 (RFC 8017 8.2.1) signatures are deterministic: same key and
  // input, same bytes. ECDSA's are not, so ES256 is checked by verification instead.
  for (const alg of ['EdDSA', 'RS256'] as const) {
    it(`signs ${alg} byte for byte as jose's SignJWT does`, async () => {
      const key = KEYS[alg];
      const expected = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
        .sign(key.privateKey);
      assert.equal(await signAccessToken(claims, key), expected);
    });
  }

  it('issues ES256 signatures as R || S, which jose verifies', async () => {
    const token = await signAccessToken(claims, KEYS.ES256);
    assert.equal(Buffer.from(token.split('.')[2] ?? '', 'base64url').length, 64);
    const { payload } = await jwtVerify(token, KEYS.ES256.publicKey, {
      algorithms: ['ES256'],
      currentDate: new Date(NOW_SECONDS * 1000),
    });
    assert.equal(payload.jti, claims.jti);
  });

  it('signs with a 128-character kid, the longest the validator accepts', async () => {
    const key = makeKey('EdDSA', 'k'.repeat(128));
    const token = await signAccessToken(claims, key);
    assert.equal(decodeProtectedHeader(token).kid, key.kid);
    assert.deepEqual(await validate(token, {}, resolverFor(key)), claims);
  });

  it('refuses to sign with a kid the validator would refuse', async () => {
    await assert.rejects(signAccessToken(claims, { ...KEYS.EdDSA, kid: '../keys/1' }), TypeError);
    await assert.rejects(signAccessToken(claims, { ...KEYS.EdDSA, kid: '' }), TypeError);
  });

  it('refuses to sign with a public key', async () => {
    const key = { kid: 'k1', alg: 'EdDSA' as const, privateKey: KEYS.EdDSA.publicKey };
    await assert.rejects(signAccessToken(claims, key), TypeError);
  });

  it('refuses to sign claims missing a required claim', async () => {
    const withoutJti = validClaims({ jti: undefined }) as unknown as AccessTokenClaims;
    await assert.rejects(signAccessToken(withoutJti, KEYS.EdDSA), /jti/);
    const stringExp = validClaims({ exp: String(NOW_SECONDS) }) as unknown as AccessTokenClaims;
    await assert.rejects(signAccessToken(stringExp, KEYS.EdDSA), /exp/);
  });

  it('refuses to sign a token living longer than verifiers accept, and signs one that lives exactly that long', async () => {
    const day = validClaims({ exp: NOW_SECONDS + 86_400 }) as unknown as AccessTokenClaims;
    await validate(await signAccessToken(day, KEYS.EdDSA));
    const longer = validClaims({ exp: NOW_SECONDS + 86_401 }) as unknown as AccessTokenClaims;
    await assert.rejects(signAccessToken(longer, KEYS.EdDSA), TypeError);
  });
});
