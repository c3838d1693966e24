import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { importJwks } from '../src/index.js';
import { makeKey, type TestKey } from './support.js';

function publicJwk(key: TestKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: key.alg, use: 'sig', ...extra };
}

describe('importJwks', () => {
  const ed = makeKey('EdDSA');
  const es = makeKey('ES256');
  const rs = makeKey('RS256');

  it('imports EdDSA, ES256 and RS256 signing keys by kid', () => {
    const keys = importJwks({ keys: [publicJwk(ed), publicJwk(es), publicJwk(rs, { use: undefined })] });
    assert.deepEqual([...keys.keys()], [ed.kid, es.kid, rs.kid]);
    for (const key of [ed, es, rs]) {
      const imported = keys.get(key.kid);
      assert.equal(imported?.alg, key.alg);
      assert.ok(imported?.publicKey.equals(key.publicKey));
    }
  });

  const skipped: Record<string, Record<string, unknown>> = {
    'an encryption key': publicJwk(ed, { use: 'enc' }),
    'a key without kid': publicJwk(ed, { kid: undefined }),
    'a key with an empty kid': publicJwk(ed, { kid: '' }),
    'a key without alg': publicJwk(ed, { alg: undefined }),
    'a key for an algorithm Tollgate does not use': publicJwk(rs, { alg: 'PS256' }),
    'a key whose alg does not match its type': publicJwk(ed, { alg: 'ES256' }),
    'a key whose curve does not match its alg': publicJwk(es, { crv: 'P-384' }),
    'a key whose key_ops exclude verify': publicJwk(ed, { key_ops: ['encrypt'] }),
    'a published private key': {
      ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
      kid: 'leaked',
      alg: 'EdDSA',
    },
    'an RSA key below 2048 bits': {
      ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }),
      kid: 'short',
      alg: 'RS256',
    },
    'garbage key material': { kty: 'OKP', crv: 'Ed25519', x: '!!', kid: 'garbage', alg: 'EdDSA' },
  };
  for (const [name, jwk] of Object.entries(skipped)) {
    it(`skips ${name} and keeps the rest`, () => {
      for (const [member, value] of Object.entries(jwk)) if (value === undefined) delete jwk[member];
      const keys = importJwks({ keys: [jwk, publicJwk(es), 'not an object', null] });
      assert.deepEqual([...keys.keys()], [es.kid]);
    });
  }

  it('drops a kid that appears twice rather than guessing which key is meant', () => {
    const twin = makeKey('EdDSA', ed.kid);
    const keys = importJwks({ keys: [publicJwk(ed), publicJwk(twin), publicJwk(es)] });
    assert.deepEqual([...keys.keys()], [es.kid]);
  });

  it('refuses a document without a keys array', () => {
    assert.throws(() => importJwks({ keys: {} }), TypeError);
    assert.throws(() => importJwks({}), TypeError);
  });
});
