import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { accessTokenHash, jwkThumbprint } from '../src/index.js';
import { KEYS, publicJwk } from './dpop-support.js';

/** RFC 7638 3.1: the example RSA key and its SHA-256 thumbprint (also RFC 9449 10's `dpop_jkt` example). */
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('jwkThumbprint (RFC 7638)', () => {
  it('gives the thumbprint of the RFC 7638 3.1 example', () => {
    assert.equal(jwkThumbprint(RFC7638_KEY), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it("agrees with jose's for EdDSA, ES256 and RS256 keys, from a JWK or a KeyObject", async () => {
    for (const key of [KEYS.EdDSA, KEYS.ES256, KEYS.RS256]) {
      const expected = await calculateJwkThumbprint(publicJwk(key) as never, 'sha256');
      assert.equal(jwkThumbprint(key.publicKey), expected);
      assert.equal(jwkThumbprint(publicJwk(key)), expected);
    }
  });

  it('ignores members outside the required ones (kid, alg, use)', () => {
    const plain = jwkThumbprint(publicJwk(KEYS.ES256));
    assert.equal(jwkThumbprint({ ...publicJwk(KEYS.ES256), kid: 'x', use: 'sig', alg: 'ES256' }), plain);
  });

  it('refuses private keys, symmetric keys and key types Tollgate does not verify, with TypeError', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    for (const key of [
      KEYS.ES256.privateKey,
      KEYS.ES256.privateKey.export({ format: 'jwk' }),
      { kty: 'oct', k: 'c2VjcmV0' },
      p384,
      { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
      null,
    ]) {
      assert.throws(() => jwkThumbprint(key as never), TypeError);
    }
  });
});

describe('accessTokenHash (RFC 9449 4.2 ath)', () => {
  it('gives the ath of the RFC 9449 7.1 example', () => {
    assert.equal(
      accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'),
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
  });

  it('hashes the ASCII of a tg_ API token', () => {
    const token = 'tg_0123456789abcdefghijklmnopqrstuvwxyzABCD';
    assert.equal(accessTokenHash(token), createHash('sha256').update(token, 'ascii').digest('base64url'));
  });

  it('refuses anything but a non-empty string with TypeError', () => {
    for (const value of ['', undefined, 42]) assert.throws(() => accessTokenHash(value as never), TypeError);
  });
});
