import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, signAccessToken, validateAccessToken } from '@tollgate/jwt';
import { generateSigningKey, importPrivateKey, importPublicJwk, jwkThumbprint } from '../src/crypto/index.js';

const EXPECTED_KEY_TYPE: Record<SigningAlgorithm, string> = { EdDSA: 'ed25519', ES256: 'ec', RS256: 'rsa' };

describe('crypto/signing-keys', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`generates ${alg} keys whose kid is the RFC 7638 thumbprint of the published JWK`, async () => {
      const generated = await generateSigningKey(alg);
      assert.equal(generated.alg, alg);
      assert.equal(generated.kid, jwkThumbprint(generated.publicJwk));
      assert.match(generated.kid, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(
        { kid: generated.publicJwk.kid, alg: generated.publicJwk.alg, use: generated.publicJwk.use },
        { kid: generated.kid, alg, use: 'sig' },
      );
      assert.equal(importPrivateKey(generated.privateKeyPkcs8).asymmetricKeyType, EXPECTED_KEY_TYPE[alg]);
    });

    it(`publishes no private ${alg} key material in the JWK`, async () => {
      const { publicJwk } = await generateSigningKey(alg);
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(publicJwk[member], undefined);
    });

    it(`signs ${alg} access tokens with the stored private key that validate with the stored public JWK`, async () => {
      const generated = await generateSigningKey(alg);
      const signingKey = { kid: generated.kid, alg, privateKey: importPrivateKey(generated.privateKeyPkcs8) };
      const nowSeconds = 1_700_000_000;
      const claims = {
        iss: 'https://auth.example.com',
        sub: 'usr_1',
        aud: 'https://api.example.com',
        exp: nowSeconds + 60,
        iat: nowSeconds,
        jti: 'at_1',
        client_id: 'cl_1',
        scope: '',
      };
      const token = await signAccessToken(claims, signingKey);
      const verificationKey = { kid: generated.kid, alg, publicKey: importPublicJwk(generated.publicJwk) };
      const validated = await validateAccessToken(
        token,
        (kid) => (kid === generated.kid ? verificationKey : undefined),
        {
          issuer: claims.iss,
          audience: claims.aud,
          now: () => nowSeconds * 1000,
        },
      );
      assert.deepEqual(validated, claims);
    });
  }

  it('uses P-256 for ES256 and 2048-bit RSA for RS256', async () => {
    const es256 = importPrivateKey((await generateSigningKey('ES256')).privateKeyPkcs8);
    assert.equal(es256.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const rs256 = importPrivateKey((await generateSigningKey('RS256')).privateKeyPkcs8);
    assert.equal(rs256.asymmetricKeyDetails?.modulusLength, 2048);
  });

  it('computes the RFC 7638 3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajr' +
        'n1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('computes the RFC 8037 A.3 Ed25519 thumbprint', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    assert.equal(jwkThumbprint(jwk), 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('hashes EC members in the RFC 7638 3.2 order crv, kty, x, y', async () => {
    const { publicJwk, kid } = await generateSigningKey('ES256');
    const canonical = `{"crv":"P-256","kty":"EC","x":"${publicJwk.x}","y":"${publicJwk.y}"}`;
    assert.equal(kid, createHash('sha256').update(canonical).digest('base64url'));
  });

  it('gives the same thumbprint whatever the member order and optional members', async () => {
    const { publicJwk, kid } = await generateSigningKey('ES256');
    const reordered = Object.fromEntries(Object.entries(publicJwk).reverse());
    const bare = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y };
    assert.equal(jwkThumbprint(reordered), kid);
    assert.equal(jwkThumbprint({ ...bare, kid: 'other', use: 'enc', key_ops: ['verify'] }), kid);
  });

  it('keeps the kid stable across export and import of the key', async () => {
    const generated = await generateSigningKey('EdDSA');
    const roundTripped = createPublicKey(importPrivateKey(generated.privateKeyPkcs8)).export({ format: 'jwk' });
    assert.equal(jwkThumbprint(roundTripped as Record<string, unknown>), generated.kid);
    assert.equal(
      jwkThumbprint(importPublicJwk(generated.publicJwk).export({ format: 'jwk' }) as Record<string, unknown>),
      generated.kid,
    );
  });

  it('gives different keys different kids', async () => {
    const [a, b] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('EdDSA')]);
    assert.notEqual(a.kid, b.kid);
  });

  it('imports public JWKs as public KeyObjects and refuses private or unknown ones', () => {
    const pair = generateKeyPairSync('ed25519');
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    assert.equal(importPublicJwk({ ...publicJwk, kid: 'k', alg: 'EdDSA', use: 'sig' }).type, 'public');
    assert.throws(
      () => importPublicJwk(pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>),
      TypeError,
    );
    assert.throws(() => importPublicJwk({ kty: 'oct', k: 'c2VjcmV0' }), TypeError);
    assert.throws(() => importPublicJwk({ kty: 'OKP', crv: 'Ed25519' }), TypeError);
  });
});
