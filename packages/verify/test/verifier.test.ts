import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FakeIssuer } from './fake-issuer.js';
import { verifierFor } from './harness.js';
import { AUDIENCE, assertRefused, claimsAt, FakeClock, forge, makeKey, signWith } from './support.js';

const KEYS = { EdDSA: makeKey('EdDSA'), ES256: makeKey('ES256'), RS256: makeKey('RS256') };
const clock = new FakeClock();
let server: FakeIssuer;

before(async () => {
  server = await FakeIssuer.start({ keys: Object.values(KEYS) });
});
after(() => server.stop());

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

describe('verify: valid tokens', () => {
  for (const key of Object.values(KEYS)) {
    it(`accepts a token signed with ${key.alg} and returns its identity`, async () => {
      const verifier = verifierFor(server, clock);
      const claims = claimsAt(server.issuer, clock.seconds);
      const verified = await verifier.verify(await signWith(key, claims));
      assert.deepEqual(verified.claims, claims);
      assert.equal(verified.subject, 'usr_alice');
      assert.equal(verified.clientId, 'cli_app');
      assert.deepEqual(verified.scopes, ['read:data', 'write:data']);
      assert.equal(verified.kind, 'jwt');
    });
  }

  it('authenticates a request from Node headers and from fetch Headers', async () => {
    const verifier = verifierFor(server, clock);
    const token = await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds));
    const fromNode = await verifier.authenticate({ headers: { authorization: [`Bearer ${token}`] }, url: '/data' });
    const fromFetch = await verifier.authenticate({ headers: new Headers({ authorization: `bearer ${token}` }) });
    assert.equal(fromNode.subject, 'usr_alice');
    assert.equal(fromFetch.subject, 'usr_alice');
  });

  it('accepts any of several audiences and an empty scope', async () => {
    const verifier = verifierFor(server, clock, { audience: ['https://other.example.com', AUDIENCE] });
    const verified = await verifier.verify(
      await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds, { scope: '' })),
    );
    assert.deepEqual(verified.scopes, []);
  });

  it('checks a JWT against the audience the call asks for, from the cache too', async () => {
    const other = 'https://other.example.com';
    const verifier = verifierFor(server, clock, { audience: [other, AUDIENCE] });
    const token = await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds));
    assert.equal((await verifier.verify(token, { audience: AUDIENCE })).claims.aud, AUDIENCE);
    for (let round = 0; round < 2; round += 1) {
      await assertRefused(verifier.verify(token, { audience: other }), {
        status: 401,
        error: 'invalid_token',
        code: 'ERR_TOKEN_AUDIENCE_INVALID',
      });
    }
    const request = { headers: { authorization: `Bearer ${token}` } };
    assert.equal((await verifier.authenticate(request, { audience: AUDIENCE })).claims.aud, AUDIENCE);
  });

  it('hands out a frozen result, so a handler cannot change what the cache returns next', async () => {
    const verifier = verifierFor(server, clock);
    const verified = await verifier.verify(await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds)));
    assert.throws(() => {
      (verified.claims as { sub: string }).sub = 'usr_mallory';
    }, TypeError);
    assert.throws(() => (verified.scopes as string[]).push('admin'), TypeError);
  });

  it('answers a missing token or another scheme with a bare challenge and a malformed header with 400', async () => {
    const verifier = verifierFor(server, clock);
    await assertRefused(verifier.authenticate({ headers: {} }), { status: 401, error: undefined });
    await assertRefused(verifier.authenticate({ headers: { authorization: 'Basic abc' } }), {
      status: 401,
      error: undefined,
    });
    await assertRefused(verifier.authenticate({ headers: { authorization: 'Bearer a b' } }), {
      status: 400,
      error: 'invalid_request',
    });
  });
});

describe('verify: forged and unacceptable tokens are 401 invalid_token', () => {
  const SIGNATURE_INVALID = 'The access token signature is invalid';
  const forgeries: Record<string, [() => Promise<string> | string, string]> = {
    'alg none with an empty signature': [
      () =>
        `${b64url(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: KEYS.EdDSA.kid }))}.${b64url(JSON.stringify(claimsAt(server.issuer, clock.seconds)))}.`,
      'The access token is malformed',
    ],
    'alg none with some signature': [
      () =>
        forge(KEYS.EdDSA, { alg: 'none', typ: 'at+jwt', kid: KEYS.EdDSA.kid }, claimsAt(server.issuer, clock.seconds)),
      SIGNATURE_INVALID,
    ],
    'a tampered payload': [
      async () => {
        const [header, , signature] = (await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds))).split('.');
        const payload = b64url(JSON.stringify(claimsAt(server.issuer, clock.seconds, { sub: 'usr_admin' })));
        return `${header}.${payload}.${signature}`;
      },
      SIGNATURE_INVALID,
    ],
    'an unknown kid': [
      () => signWith(makeKey('EdDSA'), claimsAt(server.issuer, clock.seconds)),
      'The access token is signed with an unknown signing key',
    ],
    'a known kid with another key': [
      () => signWith({ ...makeKey('EdDSA'), kid: KEYS.EdDSA.kid }, claimsAt(server.issuer, clock.seconds)),
      SIGNATURE_INVALID,
    ],
    'an alg other than the key’s': [
      () =>
        forge(KEYS.ES256, { alg: 'ES256', typ: 'at+jwt', kid: KEYS.EdDSA.kid }, claimsAt(server.issuer, clock.seconds)),
      SIGNATURE_INVALID,
    ],
    'HS256 keyed with the public key (key confusion)': [
      () => {
        const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: KEYS.RS256.kid }))}.${b64url(JSON.stringify(claimsAt(server.issuer, clock.seconds)))}`;
        const secret = KEYS.RS256.publicKey.export({ format: 'pem', type: 'spki' });
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      },
      SIGNATURE_INVALID,
    ],
    'an embedded jwk header': [
      () =>
        forge(
          KEYS.EdDSA,
          { alg: 'EdDSA', typ: 'at+jwt', kid: KEYS.EdDSA.kid, jwk: KEYS.EdDSA.publicKey.export({ format: 'jwk' }) },
          claimsAt(server.issuer, clock.seconds),
        ),
      'The access token is malformed',
    ],
    'a wrong audience': [
      () => signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds, { aud: 'https://other.example.com' })),
      'The access token is not for this API',
    ],
    'a wrong issuer': [
      () => signWith(KEYS.EdDSA, claimsAt('https://evil.example.com', clock.seconds)),
      'The access token was not issued by the expected issuer',
    ],
    'typ JWT (an ID token or other JWT)': [
      () =>
        forge(KEYS.EdDSA, { alg: 'EdDSA', typ: 'JWT', kid: KEYS.EdDSA.kid }, claimsAt(server.issuer, clock.seconds)),
      'The token is not an access token',
    ],
    'an expired token': [
      () => signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds - 600, { exp: clock.seconds - 6 })),
      'The access token expired',
    ],
    'a token not valid yet': [
      () => signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds, { nbf: clock.seconds + 60 })),
      'The access token is not valid yet',
    ],
    'a token without jti': [
      () => {
        const { jti: _omitted, ...claims } = claimsAt(server.issuer, clock.seconds);
        return forge(KEYS.EdDSA, { alg: 'EdDSA', typ: 'at+jwt', kid: KEYS.EdDSA.kid }, claims);
      },
      'The access token has a missing or invalid claim',
    ],
    'something that is not a JWT': [() => 'not-a-jwt', 'The access token is malformed'],
  };

  for (const [name, [make, description]] of Object.entries(forgeries)) {
    it(`refuses ${name}: "${description}"`, async () => {
      const verifier = verifierFor(server, clock);
      const token = await make();
      await assertRefused(verifier.verify(token), { status: 401, error: 'invalid_token', description }, token);
      await assertRefused(
        verifier.authenticate({ headers: { authorization: `Bearer ${token}` } }),
        { status: 401, error: 'invalid_token', description },
        token,
      );
    });
  }
});

describe('verify: the verified-token cache', () => {
  it('does not verify the same token twice within its lifetime', async () => {
    const verifier = verifierFor(server, clock);
    const token = await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds));
    assert.equal(await verifier.verify(token), await verifier.verify(token), 'the cached object comes back');
  });

  it('verifies every time when the cache is off', async () => {
    const verifier = verifierFor(server, clock, { cacheSize: 0 });
    const token = await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds));
    assert.notEqual(await verifier.verify(token), await verifier.verify(token));
  });

  it('lets a cached token expire', async () => {
    const localClock = new FakeClock();
    const verifier = verifierFor(server, localClock);
    const token = await signWith(
      KEYS.EdDSA,
      claimsAt(server.issuer, localClock.seconds, { exp: localClock.seconds + 10 }),
    );
    await verifier.verify(token);
    localClock.advance(16_000);
    await assertRefused(verifier.verify(token), { status: 401, error: 'invalid_token', code: 'ERR_TOKEN_EXPIRED' });
  });
});

describe('verify: the longest lifetime a token may claim', () => {
  it('refuses a token living longer than maxTokenLifetimeSeconds with 401 ERR_TOKEN_LIFETIME_TOO_LONG', async () => {
    const token = await signWith(KEYS.EdDSA, claimsAt(server.issuer, clock.seconds, { exp: clock.seconds + 300 }));
    await verifierFor(server, clock, { maxTokenLifetimeSeconds: 300 }).verify(token);
    await assertRefused(verifierFor(server, clock, { maxTokenLifetimeSeconds: 299 }).verify(token), {
      status: 401,
      error: 'invalid_token',
      code: 'ERR_TOKEN_LIFETIME_TOO_LONG',
    });
  });

  it('refuses a token living longer than 24 h by default', async () => {
    const claims = claimsAt(server.issuer, clock.seconds, { iat: clock.seconds - 86_400, exp: clock.seconds + 1 });
    const token = forge(KEYS.EdDSA, { alg: 'EdDSA', kid: KEYS.EdDSA.kid, typ: 'at+jwt' }, claims);
    await assertRefused(verifierFor(server, clock).verify(token), {
      status: 401,
      error: 'invalid_token',
      code: 'ERR_TOKEN_LIFETIME_TOO_LONG',
    });
  });
});
