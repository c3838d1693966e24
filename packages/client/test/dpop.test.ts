import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { dpopKeyFrom, generateDpopKeyPair } from '../src/dpop/key.js';
import { DpopNonces } from '../src/dpop/nonces.js';
import { createDpopProof, dpopProof, htuOf } from '../src/dpop/proof.js';

const NOW_MS = 1_700_000_000_000;

describe('DPoP proofs (RFC 9449 4)', () => {
  it('makes a non-extractable ES256 key whose public JWK and thumbprint match RFC 7638', async () => {
    const pair = await generateDpopKeyPair();
    assert.equal(pair.privateKey.extractable, false);
    const key = await dpopKeyFrom(pair);
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(key.thumbprint, await calculateJwkThumbprint(key.publicJwk, 'sha256'));
  });

  it('makes a proof for a request it does not send itself, from a key pair, bound to the token', async () => {
    const pair = await generateDpopKeyPair();
    const proof = await dpopProof(pair, { method: 'GET', url: 'https://api.example.com/data?x=1', accessToken: 'at' });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
    });
    assert.equal(payload.htm, 'GET');
    assert.equal(payload.htu, 'https://api.example.com/data');
    assert.equal(payload.ath, createHash('sha256').update('at').digest('base64url'));
    assert.equal(
      await calculateJwkThumbprint(protectedHeader.jwk ?? {}, 'sha256'),
      (await dpopKeyFrom(pair)).thumbprint,
    );
  });

  it('refuses a private key that could be exported, and one of another algorithm', async () => {
    const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    await assert.rejects(dpopKeyFrom(extractable), /non-extractable/);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign']);
    await assert.rejects(dpopKeyFrom(p384), TypeError);
  });

  it('signs a dpop+jwt with its jwk, htm, htu without query and fragment, iat, jti, ath and nonce', async () => {
    const key = await dpopKeyFrom(await generateDpopKeyPair());
    const proof = await createDpopProof(key, {
      method: 'post',
      url: 'https://API.example.com:443/data/1?page=2#top',
      accessToken: 'the-access-token',
      nonce: 'n-1',
      nowMs: NOW_MS,
    });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(NOW_MS),
    });
    assert.deepEqual(protectedHeader.jwk, key.publicJwk);
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, 'https://api.example.com/data/1');
    assert.equal(payload.iat, NOW_MS / 1000);
    assert.equal(payload.ath, createHash('sha256').update('the-access-token').digest('base64url'));
    assert.equal(payload.nonce, 'n-1');
    assert.match(payload.jti ?? '', /^[A-Za-z0-9_-]{22}$/);
    const second = await createDpopProof(key, { method: 'GET', url: 'https://api.example.com/', nowMs: NOW_MS });
    const { payload: bare } = await jwtVerify(second, EmbeddedJWK, { currentDate: new Date(NOW_MS) });
    assert.equal(bare.ath, undefined, 'no ath towards the token endpoint');
    assert.equal(bare.nonce, undefined);
    assert.notEqual(bare.jti, payload.jti);
  });

  it('keeps the latest nonce per origin, and says when a new one arrived', () => {
    const nonces = new DpopNonces();
    assert.equal(nonces.remember('https://as.example/token', 'a'), true);
    assert.equal(nonces.remember('https://as.example/other', 'a'), false);
    assert.equal(nonces.remember('https://as.example/token', null), false);
    assert.equal(nonces.get('https://as.example/anything'), 'a');
    assert.equal(nonces.get('https://api.example/'), undefined);
    assert.equal(htuOf('http://127.0.0.1:8080/me?x=1'), 'http://127.0.0.1:8080/me');
  });
});
