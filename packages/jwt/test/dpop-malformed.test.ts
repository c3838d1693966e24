/** Malformed proofs and keys (RFC 9449 4.3 steps 2-7), and caller mistakes. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_PROOF_LENGTH, verifyDpopProof } from '../src/index.js';
import type { TestKey } from './support.js';
import {
  KEYS,
  METHOD,
  REQUEST_URL,
  assertRefused,
  clock,
  makeProof,
  proofClaims,
  proofHeader,
  publicJwk,
  verify,
} from './dpop-support.js';

describe('verifyDpopProof refuses malformed proofs', () => {
  it('refuses bad base64url: padding, the standard alphabet, a space, a non-canonical last character', () => {
    const [header, payload, signature] = makeProof().split('.') as [string, string, string];
    // An ES256 signature is 86 characters: the last one carries 4 unused bits, which must be zero (RFC 4648 3.5).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.slice(-1));
    const sameBytesOtherSpelling = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(Buffer.from(sameBytesOtherSpelling, 'base64url'), Buffer.from(signature, 'base64url'));
    for (const proof of [
      `${header}=.${payload}.${signature}`,
      `${header}.${payload}.+${signature.slice(1)}`,
      `${header}.${payload} .${signature}`,
      `${header}.${payload}.${sameBytesOtherSpelling}`,
      `${header}.${payload}.${signature}x`,
      '',
      '..',
    ]) {
      assertRefused(proof, 'ERR_DPOP_MALFORMED');
    }
  });

  it('refuses extra segments (JWE-shaped, or a proof with a trailing part)', () => {
    const proof = makeProof();
    assertRefused(`${proof}.AAAA`, 'ERR_DPOP_MALFORMED');
    assertRefused(`${proof}.AAAA.AAAA`, 'ERR_DPOP_MALFORMED');
    assertRefused(proof.split('.').slice(1).join('.'), 'ERR_DPOP_MALFORMED');
  });

  it('refuses a header or payload that is not a JSON object', () => {
    for (const header of ['not json', '[1,2]', 'null', new Uint8Array([0xff, 0xfe])]) {
      assertRefused(makeProof({ header }), 'ERR_DPOP_MALFORMED');
    }
    for (const payload of ['not json', '"string"', '[]']) {
      assertRefused(makeProof({ payload }), 'ERR_DPOP_MALFORMED');
    }
  });

  it('refuses an oversized proof before parsing, and an oversized header', () => {
    const htu = `${REQUEST_URL}?${'q'.repeat(MAX_PROOF_LENGTH)}`;
    assertRefused(makeProof({ payload: proofClaims({ htu }) }), 'ERR_DPOP_MALFORMED');
    const jwk = { ...publicJwk(KEYS.ES256), kid: 'k'.repeat(1500) };
    assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { jwk }) }), 'ERR_DPOP_MALFORMED');
    assert.throws(() => verify(42 as unknown as string), { code: 'ERR_DPOP_MALFORMED' });
  });
});

describe('verifyDpopProof refuses bad algorithms', () => {
  it('refuses none and MAC algorithms, even signed with the public key as secret', () => {
    const secret = Buffer.from(JSON.stringify(publicJwk(KEYS.ES256)));
    for (const alg of ['none', 'HS256']) {
      const header = proofHeader(KEYS.ES256, { alg });
      assertRefused(makeProof({ header, signer: { alg: 'HS256', privateKey: secret } }), 'ERR_DPOP_ALG_NOT_ALLOWED');
    }
  });

  it('refuses algorithms outside the registry', () => {
    for (const alg of ['ES384', 'PS256', 'RS512', 'Ed25519', 'es256', '__proto__', 1, undefined]) {
      assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { alg }) }), 'ERR_DPOP_ALG_NOT_ALLOWED', {
        claim: 'alg',
      });
    }
  });

  it('refuses header parameters that change what was signed or name another key', () => {
    for (const name of ['crit', 'b64', 'jku', 'x5u', 'x5c', 'cty', 'enc', 'zip']) {
      const header = proofHeader(KEYS.ES256, { [name]: name === 'b64' ? false : ['x'] });
      assertRefused(makeProof({ header }), 'ERR_DPOP_HEADER_NOT_ALLOWED', { claim: name });
    }
  });
});

describe('verifyDpopProof refuses unusable keys (RFC 9449 4.3 step 7)', () => {
  it('refuses a jwk that holds the private key', () => {
    for (const key of [KEYS.ES256, KEYS.EdDSA, KEYS.RS256]) {
      // Only `d` added: a whole private RSA JWK would not even fit the header limit.
      const jwk = { ...publicJwk(key), d: key.privateKey.export({ format: 'jwk' }).d };
      assertRefused(makeProof({ key, header: proofHeader(key, { jwk }) }), 'ERR_DPOP_KEY_INVALID', {
        claim: 'jwk',
        changes: { algorithms: ['ES256', 'EdDSA', 'RS256'] },
      });
    }
    const symmetric = { kty: 'oct', k: 'c2VjcmV0' };
    assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { jwk: symmetric }) }), 'ERR_DPOP_KEY_INVALID');
  });

  it('refuses a key whose type does not fit the alg, even when the signature is by that key', () => {
    const cases: Array<[alg: string, key: TestKey]> = [
      ['ES256', KEYS.EdDSA],
      ['EdDSA', KEYS.ES256],
      ['ES256', KEYS.RS256],
    ];
    for (const [alg, key] of cases) {
      const header = { typ: 'dpop+jwt', alg, jwk: publicJwk(key) };
      assertRefused(makeProof({ key, header }), 'ERR_DPOP_KEY_INVALID', { claim: 'jwk' });
    }
  });

  it('refuses a jwk whose own alg disagrees with the header', () => {
    const jwk = { ...publicJwk(KEYS.ES256), alg: 'ES384' };
    assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { jwk }) }), 'ERR_DPOP_KEY_INVALID');
  });

  it('refuses a missing, empty or non-object jwk, a P-384 key and an RSA key under 2048 bits', () => {
    for (const jwk of [undefined, null, 'key', [publicJwk(KEYS.ES256)], {}, { kty: 'EC', crv: 'P-256' }]) {
      assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { jwk }) }), 'ERR_DPOP_KEY_INVALID', { claim: 'jwk' });
    }
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const header384 = proofHeader(KEYS.ES256, { jwk: publicJwk(p384) });
    assertRefused(makeProof({ header: header384 }), 'ERR_DPOP_KEY_INVALID');
    const small = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }), alg: 'RS256' as const, kid: 'small' };
    assertRefused(makeProof({ key: small }), 'ERR_DPOP_KEY_INVALID', { changes: { algorithms: ['RS256'] } });
  });

  it('refuses an ES256 signature of zeros (CVE-2022-21449)', () => {
    const [header, payload] = makeProof().split('.');
    assertRefused(`${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`, 'ERR_DPOP_SIGNATURE_INVALID');
  });
});

describe('verifyDpopProof refuses missing or ill-typed claims (RFC 9449 4.3 step 3)', () => {
  const bad: Record<string, unknown[]> = {
    jti: [undefined, '', 42, 'j'.repeat(129)],
    htm: [undefined, '', ['GET']],
    htu: [undefined, '', 'not a url', '/orders/42', 'ftp://api.example.com/orders/42', 'https://u:p@api.example.com/x'],
    iat: [undefined, '1700000000', null, Number.POSITIVE_INFINITY],
    ath: [42, '', 'a'.repeat(65)],
    nonce: [42, ''],
  };
  for (const [claim, values] of Object.entries(bad)) {
    it(`refuses a bad "${claim}"`, () => {
      for (const value of values) {
        // JSON has no Infinity: JSON.parse turns an overflowing number like 1e999 into one.
        const payload =
          value === Number.POSITIVE_INFINITY
            ? `{"jti":"x","htm":"GET","htu":"${REQUEST_URL}","iat":1${'0'.repeat(400)}}`
            : proofClaims({ [claim]: value });
        assertRefused(makeProof({ payload }), 'ERR_DPOP_CLAIM_INVALID', { claim });
      }
    });
  }

  it('accepts a jti of the longest allowed length', () => {
    verify(makeProof({ payload: proofClaims({ jti: 'j'.repeat(128) }) }));
  });
});

describe('verifyDpopProof refuses caller mistakes with TypeError', () => {
  const proof = makeProof();
  const cases: Array<[string, unknown, unknown?]> = [
    ['no expectations', null],
    ['a method that is no token', { method: 'GET /', url: REQUEST_URL }],
    ['a relative url', { method: METHOD, url: '/orders/42' }],
    ['a non-http url', { method: METHOD, url: 'ftp://api.example.com/' }],
    ['an empty access token', { method: METHOD, url: REQUEST_URL, accessToken: '' }],
    ['an empty jkt', { method: METHOD, url: REQUEST_URL, jkt: '' }],
    ['a nonce that is no function', { method: METHOD, url: REQUEST_URL, nonce: 'n' }],
    ['an unknown algorithm', { method: METHOD, url: REQUEST_URL, algorithms: ['HS256'] }],
    ['no algorithm', { method: METHOD, url: REQUEST_URL, algorithms: [] }],
    ['a window that is no number', { method: METHOD, url: REQUEST_URL, maxAgeSeconds: '60' }],
    ['a clock that is no function', { method: METHOD, url: REQUEST_URL }, 5],
    ['a clock returning NaN', { method: METHOD, url: REQUEST_URL }, () => Number.NaN],
  ];
  for (const [name, expectations, badClock] of cases) {
    it(`throws TypeError for ${name}`, () => {
      assert.throws(
        () => verifyDpopProof(proof, expectations as never, (badClock ?? clock) as () => number),
        TypeError,
      );
    });
  }
});
