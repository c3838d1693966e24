/** Each refusal of RFC 9449 4.3 and 7, with its exact code, RFC error name and claim. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDpopNonces } from '../src/index.js';
import {
  KEYS,
  NOW_MS,
  NOW_SECONDS,
  REQUEST_URL,
  assertRefused,
  makeKey,
  makeProof,
  proofClaims,
  proofHeader,
  verify,
} from './dpop-support.js';

describe('verifyDpopProof refuses a proof for another request', () => {
  it('refuses a proof for another method, compared case-sensitively', () => {
    for (const htm of ['POST', 'get', 'GET ']) {
      assertRefused(makeProof({ payload: proofClaims({ htm }) }), 'ERR_DPOP_METHOD_MISMATCH', { claim: 'htm' });
    }
  });

  it('refuses a proof for another URL', () => {
    assertRefused(makeProof(), 'ERR_DPOP_URI_MISMATCH', {
      claim: 'htu',
      changes: { url: 'https://api.example.com/orders/43' },
    });
  });
});

describe('verifyDpopProof refuses a proof signed by another key', () => {
  it("refuses a proof carrying one key's jwk signed by another key of the same type", () => {
    const other = makeKey('ES256', 'other');
    assertRefused(makeProof({ key: KEYS.ES256, signer: other }), 'ERR_DPOP_SIGNATURE_INVALID');
  });

  it('refuses a valid proof by a key the token is not bound to, as RFC 9449 7.1 answers it: invalid_token', () => {
    const boundJkt = verify(makeProof({ key: KEYS.ES256 })).jkt;
    assertRefused(makeProof({ key: KEYS.EdDSA }), 'ERR_DPOP_KEY_MISMATCH', {
      error: 'invalid_token',
      changes: { jkt: boundJkt },
    });
  });

  it('refuses a proof whose payload was changed after signing', () => {
    const [header, , signature] = makeProof().split('.');
    const [, payload] = makeProof({ payload: proofClaims({ htm: 'DELETE' }) }).split('.');
    assertRefused(`${header}.${payload}.${signature}`, 'ERR_DPOP_SIGNATURE_INVALID');
  });
});

describe('verifyDpopProof refuses a proof not bound to the access token', () => {
  it('refuses a proof without ath when an access token is presented', () => {
    assertRefused(makeProof({ payload: proofClaims({ ath: undefined }) }), 'ERR_DPOP_ATH_MISMATCH', { claim: 'ath' });
  });

  it('refuses a proof whose ath is the hash of another token', () => {
    const ath = Buffer.alloc(32, 7).toString('base64url');
    assertRefused(makeProof({ payload: proofClaims({ ath }) }), 'ERR_DPOP_ATH_MISMATCH', { claim: 'ath' });
  });
});

describe('verifyDpopProof refuses a proof outside its time window', () => {
  it('refuses a stale iat', () => {
    assertRefused(makeProof({ payload: proofClaims({ iat: NOW_SECONDS - 61 }) }), 'ERR_DPOP_STALE', { claim: 'iat' });
    assertRefused(makeProof({ payload: proofClaims({ iat: NOW_SECONDS - 11 }) }), 'ERR_DPOP_STALE', {
      changes: { maxAgeSeconds: 10 },
    });
  });

  it('refuses an iat further in the future than the clock skew', () => {
    const proof = makeProof({ payload: proofClaims({ iat: NOW_SECONDS + 11 }) });
    assertRefused(proof, 'ERR_DPOP_NOT_YET_VALID', { claim: 'iat' });
    verify(proof, { clockSkewSeconds: 11 });
    assertRefused(makeProof({ payload: proofClaims({ iat: NOW_SECONDS + 1 }) }), 'ERR_DPOP_NOT_YET_VALID', {
      changes: { clockSkewSeconds: 0 },
    });
  });

  it('clamps a window the caller sets too wide', () => {
    const proof = makeProof({ payload: proofClaims({ iat: NOW_SECONDS - 601 }) });
    assertRefused(proof, 'ERR_DPOP_STALE', { changes: { maxAgeSeconds: 10_000 } });
    const future = makeProof({ payload: proofClaims({ iat: NOW_SECONDS + 301 }) });
    assertRefused(future, 'ERR_DPOP_NOT_YET_VALID', { changes: { clockSkewSeconds: 10_000 } });
  });
});

describe('verifyDpopProof with server nonces (RFC 9449 8, 9)', () => {
  const nonces = createDpopNonces({ secret: Buffer.alloc(32, 1), context: 'api', now: () => NOW_MS });

  it('answers use_dpop_nonce to a proof without the nonce the server requires', () => {
    assertRefused(makeProof(), 'ERR_DPOP_NONCE_REQUIRED', {
      error: 'use_dpop_nonce',
      claim: 'nonce',
      changes: { nonce: nonces.accepts },
    });
  });

  it('answers use_dpop_nonce to a proof with a nonce the server does not accept', () => {
    const foreign = createDpopNonces({ secret: Buffer.alloc(32, 2), context: 'api', now: () => NOW_MS }).current();
    assertRefused(makeProof({ payload: proofClaims({ nonce: foreign }) }), 'ERR_DPOP_NONCE_INVALID', {
      error: 'use_dpop_nonce',
      changes: { nonce: nonces.accepts },
    });
  });

  it('accepts the current nonce and reports it', () => {
    const nonce = nonces.current();
    assert.equal(verify(makeProof({ payload: proofClaims({ nonce }) }), { nonce: nonces.accepts }).nonce, nonce);
  });

  it('asks for a nonce only once everything else holds', () => {
    assertRefused(makeProof({ payload: proofClaims({ iat: NOW_SECONDS - 61 }) }), 'ERR_DPOP_STALE', {
      changes: { nonce: nonces.accepts },
    });
  });

  it('does not look at a nonce it did not ask for', () => {
    assert.equal(verify(makeProof({ payload: proofClaims({ nonce: 'anything' }) })).nonce, undefined);
  });
});

describe('verifyDpopProof refuses proofs that are not DPoP proofs', () => {
  it('refuses a JWT typed otherwise, or untyped', () => {
    for (const typ of ['at+jwt', 'JWT', 'dpop', 'application/at+jwt', undefined, 42]) {
      assertRefused(makeProof({ header: proofHeader(KEYS.ES256, { typ }) }), 'ERR_DPOP_TYPE_INVALID', { claim: 'typ' });
    }
  });

  it('refuses a proof the client did not sign at all', () => {
    const [header, payload] = makeProof().split('.');
    assertRefused(`${header}.${payload}.`, 'ERR_DPOP_MALFORMED');
    assertRefused(`${header}.${payload}`, 'ERR_DPOP_MALFORMED');
  });

  it('refuses the same proof presented for another request at a second URL of the same API', () => {
    const proof = makeProof();
    verify(proof);
    assertRefused(proof, 'ERR_DPOP_URI_MISMATCH', { changes: { url: `${REQUEST_URL}/items` } });
  });
});
