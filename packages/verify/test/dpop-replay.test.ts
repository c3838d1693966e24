import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyDpopProof } from '@tollgate/jwt';
import { MemoryDpopReplayCache } from '../src/index.js';
import { signedProof } from './dpop-proofs.js';

const START_MS = 1_700_000_000_000;

function cacheAt(clock: { ms: number }, maxEntries?: number): MemoryDpopReplayCache {
  return new MemoryDpopReplayCache({ now: () => clock.ms, ...(maxEntries === undefined ? {} : { maxEntries }) });
}

describe('MemoryDpopReplayCache (RFC 9449 11.1)', () => {
  it('refuses a verified proof presented a second time within its window', async () => {
    const clock = { ms: START_MS };
    const cache = cacheAt(clock);
    const proof = signedProof({ iatSeconds: START_MS / 1000 });
    const expectations = { method: 'GET', url: 'https://api.example.com/orders' };
    const first = verifyDpopProof(proof, expectations, () => clock.ms);
    assert.equal(await cache.checkAndRemember(first.replayKey, first.replayUntilMs), true);
    clock.ms += 30_000;
    const again = verifyDpopProof(proof, expectations, () => clock.ms);
    assert.equal(await cache.checkAndRemember(again.replayKey, again.replayUntilMs), false);
  });

  it('remembers a key until its expiry, and no longer', async () => {
    const clock = { ms: START_MS };
    const cache = cacheAt(clock);
    assert.equal(await cache.checkAndRemember('k1', START_MS + 1_000), true);
    clock.ms = START_MS + 999;
    assert.equal(await cache.checkAndRemember('k1', START_MS + 2_000), false);
    clock.ms = START_MS + 1_000;
    assert.equal(await cache.checkAndRemember('k1', START_MS + 2_000), true, 'expired: a new proof window');
    assert.equal(await cache.checkAndRemember('k2', START_MS + 2_000), true);
  });

  it('answers exactly one of many concurrent calls with one key true', async () => {
    const cache = cacheAt({ ms: START_MS });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => cache.checkAndRemember('same', START_MS + 60_000)),
    );
    assert.equal(answers.filter(Boolean).length, 1);
  });

  it('does not store a key whose window already ended', async () => {
    const cache = cacheAt({ ms: START_MS });
    assert.equal(await cache.checkAndRemember('old', START_MS), true);
    assert.equal(cache.size, 0);
  });

  it('when full, makes room only from expired keys, and refuses rather than forget a live one', async () => {
    const clock = { ms: START_MS };
    const cache = cacheAt(clock, 3);
    for (const [key, ttlMs] of [
      ['a', 1_000],
      ['b', 5_000],
      ['c', 5_000],
    ] as const) {
      assert.equal(await cache.checkAndRemember(key, START_MS + ttlMs), true);
    }
    assert.equal(await cache.checkAndRemember('d', START_MS + 5_000), false, 'full of live keys');
    assert.equal(await cache.checkAndRemember('a', START_MS + 5_000), false, 'a is still remembered');
    clock.ms = START_MS + 1_000;
    assert.equal(await cache.checkAndRemember('d', START_MS + 5_000), true, "a's expiry made room");
    assert.equal(await cache.checkAndRemember('b', START_MS + 9_000), false, 'b survived');
    assert.equal(cache.size, 3);
  });

  it('drops expired keys as time passes, so memory follows the live window', async () => {
    const clock = { ms: START_MS };
    const cache = cacheAt(clock);
    for (let index = 0; index < 100; index++) await cache.checkAndRemember(`k${index}`, START_MS + 1_000);
    clock.ms = START_MS + 60_000;
    await cache.checkAndRemember('later', START_MS + 120_000);
    assert.equal(cache.size, 1);
  });

  it('refuses a bad key, expiry or size with TypeError', async () => {
    const cache = cacheAt({ ms: START_MS });
    for (const [key, expiresAtMs] of [
      ['', START_MS],
      ['k'.repeat(129), START_MS],
      [42, START_MS],
      ['k', Number.NaN],
      ['k', '1'],
    ]) {
      await assert.rejects(cache.checkAndRemember(key as string, expiresAtMs as number), TypeError);
    }
    for (const maxEntries of [0, 1.5, -1]) assert.throws(() => new MemoryDpopReplayCache({ maxEntries }), TypeError);
  });
});
