import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { type SigningAlgorithm, verifyDpopProof } from '../src/index.js';
import {
  ACCESS_TOKEN,
  ATH,
  KEYS,
  METHOD,
  NOW_MS,
  NOW_SECONDS,
  REQUEST_URL,
  assertRefused,
  makeProof,
  proofClaims,
  proofHeader,
  publicJwk,
  verify,
} from './dpop-support.js';

/** RFC 9449 4.1 and 7.1, the examples verbatim: real ES256 signatures by the same key. */
const RFC_KEY_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const RFC_HEADER =
  'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19';
const RFC_TOKEN_PROOF = `${RFC_HEADER}.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg`;
const RFC_RESOURCE_PROOF = `${RFC_HEADER}.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA`;

describe('verifyDpopProof accepts well-formed proofs', () => {
  it("accepts RFC 9449's own token-request proof and gives the thumbprint RFC 9449 6.1 binds", () => {
    const verified = verifyDpopProof(
      RFC_TOKEN_PROOF,
      { method: 'POST', url: 'https://server.example.com/token' },
      () => 1_562_262_616_000,
    );
    assert.equal(verified.jkt, RFC_KEY_JKT);
    assert.equal(verified.jti, '-BwC3ESc6acc2lTc');
    assert.equal(verified.iat, 1_562_262_616);
    assert.equal(verified.alg, 'ES256');
  });

  it("accepts RFC 9449's own resource-request proof with its access token and key binding", () => {
    const verified = verifyDpopProof(
      RFC_RESOURCE_PROOF,
      {
        method: 'GET',
        url: 'https://resource.example.org/protectedresource',
        accessToken: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU',
        jkt: RFC_KEY_JKT,
      },
      () => 1_562_262_618_000,
    );
    assert.equal(verified.jti, 'e1j3V_bKic8-LAEB');
  });

  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`accepts a ${alg} proof made by jose, with jose's RFC 7638 thumbprint`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const proof = await new SignJWT({ htm: METHOD, htu: REQUEST_URL, ath: ATH })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
        .setJti('jose-made')
        .setIssuedAt(NOW_SECONDS)
        .sign(privateKey);
      const verified = verify(proof, { jkt: await calculateJwkThumbprint(jwk, 'sha256') });
      assert.equal(verified.alg, alg);
      assert.equal(verified.jti, 'jose-made');
    });
  }

  it('returns a replay key over key and jti, and how long the proof stays acceptable', () => {
    const claims = proofClaims({ jti: 'one-jti' });
    const verified = verify(makeProof({ payload: claims }));
    const expectedKey = createHash('sha256').update(`${verified.jkt}.one-jti`).digest('base64url');
    assert.equal(verified.replayKey, expectedKey);
    // Default window 60 s: acceptable while NOW - iat <= 60, so remembered until just past iat + 60 s.
    assert.equal(verified.replayUntilMs, (NOW_SECONDS + 60) * 1000 + 1);
    const sameJtiOtherKey = verify(makeProof({ key: KEYS.EdDSA, payload: claims }));
    assert.notEqual(sameJtiOtherKey.replayKey, verified.replayKey, 'a jti counts per key');
  });

  it('allows RS256 only when the caller allows it', () => {
    const proof = makeProof({ key: KEYS.RS256 });
    assertRefused(proof, 'ERR_DPOP_ALG_NOT_ALLOWED', { claim: 'alg' });
    assert.equal(verify(proof, { algorithms: ['RS256'] }).alg, 'RS256');
  });

  it('refuses ES256 or EdDSA when the caller allows only the other', () => {
    const allowed: Record<'ES256' | 'EdDSA', SigningAlgorithm> = { ES256: 'EdDSA', EdDSA: 'ES256' };
    for (const alg of ['ES256', 'EdDSA'] as const) {
      assertRefused(makeProof({ key: KEYS[alg] }), 'ERR_DPOP_ALG_NOT_ALLOWED', {
        changes: { algorithms: [allowed[alg]] },
      });
    }
  });

  it('accepts typ in any case and with the application/ prefix (RFC 7515 4.1.9)', () => {
    for (const typ of ['DPoP+JWT', 'application/dpop+jwt']) {
      verify(makeProof({ header: proofHeader(KEYS.ES256, { typ }) }));
    }
  });

  it('needs no ath without an access token (the token endpoint) and ignores one it was not asked about', () => {
    verify(makeProof({ payload: proofClaims({ ath: undefined }) }), { accessToken: undefined });
    verify(makeProof(), { accessToken: undefined });
  });

  it('accepts a jwk with extra public members (kid, use) and the same alg', () => {
    const jwk = { ...publicJwk(KEYS.EdDSA), kid: 'client-key-1', use: 'sig', alg: 'EdDSA' };
    verify(makeProof({ key: KEYS.EdDSA, header: proofHeader(KEYS.EdDSA, { jwk }) }));
  });

  it('accepts an iat at the edges of the window, with fractions', () => {
    for (const iat of [NOW_SECONDS - 60, NOW_SECONDS + 10, NOW_SECONDS - 59.5]) {
      verify(makeProof({ payload: proofClaims({ iat }) }));
    }
    verify(makeProof({ payload: proofClaims({ iat: NOW_SECONDS - 300 }) }), { maxAgeSeconds: 300 });
    verifyDpopProof(makeProof(), { method: METHOD, url: REQUEST_URL }, () => NOW_MS + 999);
  });
});

describe('verifyDpopProof compares htu after RFC 3986 normalisation (RFC 9449 4.3 step 9)', () => {
  const equivalent: Array<[htu: string, url: string]> = [
    ['HTTPS://API.Example.COM/orders/42', REQUEST_URL],
    ['https://api.example.com:443/orders/42', REQUEST_URL],
    ['http://api.example.com:80/x', 'http://api.example.com/x'],
    ['https://api.example.com', 'https://api.example.com/'],
    ['https://api.example.com/a/./b/../../orders/42', REQUEST_URL],
    ['https://api.example.com/%6Frders/42', REQUEST_URL],
    ['https://api.example.com/a%2fb', 'https://api.example.com/a%2Fb'],
    ['https://api.example.com/a%7Eb', 'https://api.example.com/a~b'],
    // Query and fragment are ignored on both sides, as the OpenID conformance suite checks.
    [`${REQUEST_URL}?page=2#top`, REQUEST_URL],
    [REQUEST_URL, `${REQUEST_URL}?page=2`],
    [`${REQUEST_URL}?a=1`, `${REQUEST_URL}?b=2#x`],
  ];
  for (const [htu, url] of equivalent) {
    it(`matches ${htu} with ${url}`, () => {
      verify(makeProof({ payload: proofClaims({ htu }) }), { url });
    });
  }

  const different: Array<[htu: string, url: string]> = [
    ['http://api.example.com/orders/42', REQUEST_URL],
    ['https://api.example.com:8443/orders/42', REQUEST_URL],
    ['https://api.example.org/orders/42', REQUEST_URL],
    ['https://api.example.com/orders/43', REQUEST_URL],
    ['https://api.example.com/Orders/42', REQUEST_URL],
    ['https://api.example.com/orders/42/', REQUEST_URL],
    ['https://api.example.com/a%2Fb', 'https://api.example.com/a/b'],
  ];
  for (const [htu, url] of different) {
    it(`refuses ${htu} for ${url}`, () => {
      assertRefused(makeProof({ payload: proofClaims({ htu }) }), 'ERR_DPOP_URI_MISMATCH', {
        claim: 'htu',
        changes: { url },
      });
    });
  }
});

describe('verifyDpopProof with the access token', () => {
  it('accepts a proof whose key the token is bound to', () => {
    const { jkt } = verify(makeProof());
    assert.equal(verify(makeProof(), { jkt }).jkt, jkt);
  });

  it('hashes the token it is given, not another', () => {
    assertRefused(makeProof(), 'ERR_DPOP_ATH_MISMATCH', { claim: 'ath', changes: { accessToken: `${ACCESS_TOKEN}x` } });
  });
});
