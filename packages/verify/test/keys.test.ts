import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { RemoteKeyStore } from '../src/keys.js';
import { FakeIssuer } from './fake-issuer.js';
import { countingFetch, verifierFor } from './harness.js';
import { assertRefused, claimsAt, FakeClock, forge, makeKey, signWith } from './support.js';

const REFETCH_MS = 10_000;

describe('discovery', () => {
  it('fetches the metadata, then the JWKS it names, once for many first requests', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey()] });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock);
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));
      assert.equal(server.metadataHits, 1);
      assert.equal(server.jwksHits, 1);
    } finally {
      await server.stop();
    }
  });

  it('refuses metadata naming another issuer (RFC 8414 3.3), and then refuses tokens with 503', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey()], metadataIssuer: (real) => `${real}/` });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock);
      await assert.rejects(verifier.ready(), /metadata issuer is not/);
      assert.equal(server.jwksHits, 0, 'no keys fetched from an unverified issuer');
      const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
      await assertRefused(verifier.verify(token), {
        status: 503,
        error: 'temporarily_unavailable',
        code: 'ERR_KEYS_UNAVAILABLE',
      });
    } finally {
      await server.stop();
    }
  });

  it('starts without the issuer, retries at most once per refetch interval, and works once it is back', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey()] });
    await server.stop();
    const clock = new FakeClock();
    const counting = countingFetch();
    const verifier = verifierFor(server, clock, { fetch: counting.fetch, jwksRefetchIntervalMs: REFETCH_MS });
    await assert.rejects(verifier.ready(), /ECONNREFUSED/);
    const token = await signWith(server.signingKey, claimsAt(server.issuer, clock.seconds));
    for (let i = 0; i < 20; i++)
      await assertRefused(verifier.verify(token), { status: 503, error: 'temporarily_unavailable' });
    // The failed start does not count against the interval; the first request's retry does.
    assert.equal(
      counting.count('/.well-known/oauth-authorization-server'),
      2,
      'one retry, then none before the interval',
    );
    await server.restart();
    try {
      clock.advance(REFETCH_MS);
      assert.equal((await verifier.verify(token)).subject, 'usr_alice');
    } finally {
      await server.stop();
    }
  });
});

describe('unknown kids', () => {
  it('refetches the JWKS at most once per interval under a flood of random kids', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey()] });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { jwksRefetchIntervalMs: REFETCH_MS });
      await verifier.ready();
      const key = server.signingKey;
      const flood = () =>
        Promise.all(
          Array.from({ length: 200 }, () => {
            const token = forge(
              key,
              { alg: 'EdDSA', typ: 'at+jwt', kid: randomUUID() },
              claimsAt(server.issuer, clock.seconds),
            );
            return assertRefused(verifier.verify(token), {
              status: 401,
              error: 'invalid_token',
              code: 'ERR_TOKEN_UNKNOWN_KEY',
            });
          }),
        );
      await flood();
      assert.equal(server.jwksHits, 2, 'one shared refetch for 200 concurrent misses, right after start');
      await flood();
      clock.advance(REFETCH_MS - 1);
      await flood();
      assert.equal(server.jwksHits, 2, 'no second refetch within the interval');
      clock.advance(1);
      await flood();
      await flood();
      assert.equal(server.jwksHits, 3, 'one more once the interval has passed');
    } finally {
      await server.stop();
    }
  });

  it('accepts a token signed with a key rotated in just after start, on its first use', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey('EdDSA')] });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { jwksRefetchIntervalMs: REFETCH_MS });
      await verifier.ready();
      const rotatedIn = makeKey('EdDSA');
      server.keys = [rotatedIn, ...server.keys];
      const token = await signWith(rotatedIn, claimsAt(server.issuer, clock.seconds));
      assert.equal((await verifier.verify(token)).subject, 'usr_alice');
      assert.equal(server.jwksHits, 2);
    } finally {
      await server.stop();
    }
  });

  it('does not let a periodic refresh use up the refetch an unknown kid is allowed', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey('EdDSA')] });
    const clock = new FakeClock();
    const store = new RemoteKeyStore({
      issuer: server.issuer,
      fetch,
      now: clock.now,
      refetchIntervalMs: REFETCH_MS,
      refreshIntervalMs: 300_000,
      timeoutMs: 1_000,
    });
    try {
      await store.load();
      assert.equal(await store.refetchIfDue(), true, 'the initial load left the allowance untouched');
      assert.equal(await store.refetchIfDue(), false, 'a second one within the interval is refused');
      clock.advance(REFETCH_MS);
      await store.load(); // what the refresh timer does
      const rotatedIn = makeKey('EdDSA');
      server.keys = [rotatedIn];
      assert.ok(await store.resolve(rotatedIn.kid), 'the rotated-in key is found through a refetch');
      assert.equal(server.jwksHits, 4);
    } finally {
      store.close();
      await server.stop();
    }
  });

  it('picks up a rotated-in key through the refetch, and drops a rotated-out one', async () => {
    const oldKey = makeKey('EdDSA');
    const server = await FakeIssuer.start({ keys: [oldKey] });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { jwksRefetchIntervalMs: REFETCH_MS });
      const oldToken = await signWith(oldKey, claimsAt(server.issuer, clock.seconds));
      await verifier.verify(oldToken);
      const newKey = makeKey('EdDSA');
      server.keys = [newKey];
      clock.advance(REFETCH_MS);
      const newToken = await signWith(newKey, claimsAt(server.issuer, clock.seconds));
      assert.equal((await verifier.verify(newToken)).subject, 'usr_alice');
      // The old token was cached; its key is gone from the JWKS, so it must not live on in the cache.
      await assertRefused(verifier.verify(oldToken), {
        status: 401,
        error: 'invalid_token',
        code: 'ERR_TOKEN_UNKNOWN_KEY',
      });
    } finally {
      await server.stop();
    }
  });

  it('picks up a key of an algorithm the JWKS did not list before', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey('EdDSA')] });
    try {
      const clock = new FakeClock();
      const verifier = verifierFor(server, clock, { jwksRefetchIntervalMs: REFETCH_MS });
      await verifier.ready();
      const es256 = makeKey('ES256');
      server.keys = [...server.keys, es256];
      const token = await signWith(es256, claimsAt(server.issuer, clock.seconds));
      assert.equal((await verifier.verify(token)).subject, 'usr_alice', 'found by a refetch right after start');
      // That refetch used up the interval: the next new algorithm waits for it.
      const rs256 = makeKey('RS256');
      server.keys = [...server.keys, rs256];
      const later = await signWith(rs256, claimsAt(server.issuer, clock.seconds));
      await assertRefused(verifier.verify(later), {
        status: 401,
        error: 'invalid_token',
        code: 'ERR_TOKEN_ALG_NOT_ALLOWED',
      });
      clock.advance(REFETCH_MS);
      assert.equal((await verifier.verify(later)).subject, 'usr_alice');
    } finally {
      await server.stop();
    }
  });
});

describe('outages', () => {
  it('keeps verifying with the known keys while the issuer is down', async () => {
    const server = await FakeIssuer.start({ keys: [makeKey()] });
    const clock = new FakeClock();
    const verifier = verifierFor(server, clock, { cacheSize: 0, jwksRefetchIntervalMs: REFETCH_MS });
    const key = server.signingKey;
    await verifier.ready();
    await server.stop();
    // Force a failed refetch: an unknown kid after the interval.
    clock.advance(REFETCH_MS);
    const unknown = await signWith(makeKey(), claimsAt(server.issuer, clock.seconds));
    await assertRefused(verifier.verify(unknown), { status: 401, error: 'invalid_token' });
    clock.advance(60 * 60 * 1000);
    const token = await signWith(key, claimsAt(server.issuer, clock.seconds));
    assert.equal((await verifier.verify(token)).subject, 'usr_alice', 'an hour into the outage, known keys still work');
  });

  it('keeps the known keys when a refresh fails, and replaces them all when one succeeds', async () => {
    const first = makeKey();
    const server = await FakeIssuer.start({ keys: [first] });
    const clock = new FakeClock();
    const store = new RemoteKeyStore({
      issuer: server.issuer,
      fetch,
      now: clock.now,
      refetchIntervalMs: 0,
      refreshIntervalMs: 300_000,
      timeoutMs: 1_000,
    });
    try {
      await store.load();
      server.keys = [];
      await assert.rejects(store.load(), /no usable signing key/);
      assert.deepEqual(store.keyIds, [first.kid], 'an empty JWKS is a failure, not a reason to forget keys');
      await server.stop();
      await assert.rejects(store.load(), /jwks failed/);
      assert.deepEqual(store.keyIds, [first.kid]);
      await server.restart();
      const second = makeKey('ES256');
      server.keys = [second];
      await store.load();
      assert.deepEqual(store.keyIds, [second.kid]);
      assert.deepEqual(store.algorithms, ['ES256']);
    } finally {
      store.close();
      await server.stop();
    }
  });
});
