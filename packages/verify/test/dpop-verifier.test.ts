/**
 * Verifier.authenticate with DPoP (RFC 9449 7), the cases the adapter table leaves out: the clock (injected, never
 * slept on), odd headers, unbound tokens under the DPoP scheme, scope refusals, and caller mistakes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BearerRequest, MemoryDpopReplayCache, requireScopes } from '../src/index.js';
import { DpopClient } from './dpop-client.js';
import { FakeIssuer } from './fake-issuer.js';
import { verifierFor } from './harness.js';
import { AUDIENCE, FakeClock, assertRefused, claimsAt, makeKey, signWith } from './support.js';

const URL_ = 'https://api.example.com/orders';
const BOTH = 'Bearer realm="api", DPoP realm="api"';

describe('Verifier.authenticate with DPoP', () => {
  const key = makeKey('EdDSA');
  const client = new DpopClient('ES256');
  let issuer: FakeIssuer;

  before(async () => {
    issuer = await FakeIssuer.start({ keys: [key] });
  });

  after(() => issuer.stop());

  const boundToken = (clock: FakeClock, overrides = {}) =>
    signWith(key, claimsAt(issuer.issuer, clock.seconds, { cnf: { jkt: client.jkt }, ...overrides }));
  const request = (token: string, proof: string | string[] | undefined, extra: Partial<BearerRequest> = {}) => ({
    headers: { authorization: `DPoP ${token}`, dpop: proof },
    method: 'GET',
    targetUri: URL_,
    ...extra,
  });

  it('takes the proof window from the injected clock: 60 s old passes, 61 s old is too old', async () => {
    const clock = new FakeClock();
    clock.ms = clock.seconds * 1000; // on a whole second: `iat` has none of the clock's milliseconds
    const verifier = verifierFor(issuer, clock, { realm: 'api' });
    const token = await boundToken(clock);
    const proof = () => client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds - 60 });
    await verifier.authenticate(request(token, proof()));
    const stale = () => client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds - 61 });
    const error = await assertRefused(verifier.authenticate(request(token, stale())), {
      status: 401,
      error: 'invalid_dpop_proof',
      code: 'ERR_DPOP_STALE',
    });
    assert.equal(
      error.challenge('api'),
      `${BOTH}, error="invalid_dpop_proof", error_description="The DPoP proof is too old", algs="ES256 EdDSA"`,
    );
  });

  it('remembers a proof until its window ends, in the replay cache it was given', async () => {
    const clock = new FakeClock();
    const replayCache = new MemoryDpopReplayCache({ now: clock.now });
    const verifier = verifierFor(issuer, clock, { dpop: { replayCache } });
    const token = await boundToken(clock);
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    await verifier.authenticate(request(token, proof));
    assert.equal(replayCache.size, 1);
    await assertRefused(verifier.authenticate(request(token, proof)), {
      status: 401,
      error: 'invalid_dpop_proof',
      code: 'ERR_DPOP_REPLAYED',
    });
  });

  it('refuses two DPoP headers, and an unbound token under the DPoP scheme', async () => {
    const clock = new FakeClock();
    const verifier = verifierFor(issuer, clock);
    const token = await boundToken(clock);
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    await assertRefused(verifier.authenticate(request(token, [proof, proof])), {
      status: 401,
      error: 'invalid_dpop_proof',
      code: 'ERR_DPOP_HEADER_MALFORMED',
    });
    const unbound = await signWith(key, claimsAt(issuer.issuer, clock.seconds));
    const unboundProof = client.proof({ method: 'GET', url: URL_, token: unbound, iatSeconds: clock.seconds });
    const error = await assertRefused(verifier.authenticate(request(unbound, unboundProof)), {
      status: 401,
      error: 'invalid_token',
      code: 'ERR_TOKEN_NOT_DPOP_BOUND',
    });
    assert.equal(error.scheme, 'DPoP');
  });

  it('answers a malformed DPoP header with 400 on the DPoP challenge', async () => {
    const verifier = verifierFor(issuer, new FakeClock(), { realm: 'api' });
    for (const authorization of ['DPoP', 'DPoP a b', 'dpop a!']) {
      const error = await assertRefused(verifier.authenticate({ headers: { authorization } }), {
        status: 400,
        error: 'invalid_request',
      });
      assert.match(error.challenge('api'), /^Bearer realm="api", DPoP realm="api", error="invalid_request"/);
    }
  });

  it('refuses a target URI no proof can name (a client-chosen Host) with 401, never a TypeError', async () => {
    const clock = new FakeClock();
    const verifier = verifierFor(issuer, clock);
    const token = await boundToken(clock);
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    for (const targetUri of ['http://bad host/orders', '/orders', `https://api.example.com/${'a'.repeat(3000)}`]) {
      await assertRefused(verifier.authenticate(request(token, proof, { targetUri })), {
        status: 401,
        error: 'invalid_dpop_proof',
        code: 'ERR_DPOP_URI_MISMATCH',
      });
    }
  });

  it('names the DPoP scheme in an insufficient_scope refusal of a DPoP-bound token', async () => {
    const clock = new FakeClock();
    const verifier = verifierFor(issuer, clock);
    const token = await boundToken(clock, { scope: 'read:data' });
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    const verified = await verifier.authenticate(request(token, proof));
    assert.deepEqual(verified.claims.cnf, { jkt: client.jkt });
    const error = await assertRefused(
      Promise.resolve().then(() => requireScopes(verified, 'admin')),
      {
        status: 403,
        error: 'insufficient_scope',
      },
    );
    assert.equal(
      error.challenge('api'),
      'DPoP realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires", scope="admin", algs="ES256 EdDSA"',
    );
  });

  it('takes only the configured proof algorithms, and says so in algs', async () => {
    const clock = new FakeClock();
    const verifier = verifierFor(issuer, clock, { realm: 'api', dpop: { algorithms: ['EdDSA'] } });
    const token = await boundToken(clock);
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    const error = await assertRefused(verifier.authenticate(request(token, proof)), {
      status: 401,
      error: 'invalid_dpop_proof',
      code: 'ERR_DPOP_ALG_NOT_ALLOWED',
    });
    assert.ok(error.challenge('api').endsWith('algs="EdDSA"'));
  });

  it('treats a DPoP request without method or target URI as a caller mistake (TypeError)', async () => {
    const clock = new FakeClock();
    const verifier = verifierFor(issuer, clock);
    const token = await boundToken(clock);
    const proof = client.proof({ method: 'GET', url: URL_, token, iatSeconds: clock.seconds });
    await assert.rejects(
      verifier.authenticate({ headers: { authorization: `DPoP ${token}`, dpop: proof } }),
      TypeError,
    );
  });

  it('checks the DPoP options at creation', () => {
    for (const dpop of [{ mode: 'sometimes' }, { algorithms: ['HS256'] }, { nonceSecret: new Uint8Array(8) }, 'on']) {
      assert.throws(() => verifierFor(issuer, new FakeClock(), { dpop: dpop as never }), TypeError);
    }
    assert.equal(AUDIENCE, 'https://api.example.com');
  });
});
