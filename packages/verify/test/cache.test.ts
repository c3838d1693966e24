import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenCache, tokenDigest } from '../src/cache.js';
import { DenyList } from '../src/deny-list.js';
import { FakeClock } from './support.js';

describe('TokenCache', () => {
  it('keys entries by the SHA-256 of the token, never the token', () => {
    const token = 'header.payload.signature';
    const digest = tokenDigest(token);
    assert.match(digest, /^[A-Za-z0-9+/]{43}=$/);
    assert.ok(!digest.includes('payload'));
    const cache = new TokenCache<string>(10, new FakeClock().now);
    cache.set(digest, 'value', Number.MAX_SAFE_INTEGER);
    assert.deepEqual(cache.digests(), [digest]);
  });

  it('never holds more than its size, evicting the least recently used', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<number>(3, clock.now);
    const far = clock.ms + 60_000;
    for (const n of [1, 2, 3]) cache.set(`d${n}`, n, far);
    assert.equal(cache.get('d1'), 1);
    cache.set('d4', 4, far);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('d2'), undefined, 'd2 was least recently used');
    assert.deepEqual(cache.digests(), ['d3', 'd1', 'd4']);
    for (let n = 5; n < 1000; n++) cache.set(`d${n}`, n, far);
    assert.equal(cache.size, 3);
  });

  it('lets an entry die at its expiry time, not a millisecond later', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<string>(10, clock.now);
    cache.set('d', 'value', clock.ms + 1000);
    clock.advance(999);
    assert.equal(cache.get('d'), 'value');
    clock.advance(1);
    assert.equal(cache.get('d'), undefined);
    assert.equal(cache.size, 0, 'the expired entry is dropped, not kept around');
  });

  it('stores nothing already expired, and nothing at all with size 0', () => {
    const clock = new FakeClock();
    const cache = new TokenCache<string>(10, clock.now);
    cache.set('d', 'value', clock.ms);
    assert.equal(cache.size, 0);
    const disabled = new TokenCache<string>(0, clock.now);
    disabled.set('d', 'value', clock.ms + 1000);
    assert.equal(disabled.get('d'), undefined);
    assert.equal(disabled.enabled, false);
  });

  it('refuses a negative or fractional size', () => {
    assert.throws(() => new TokenCache(-1, Date.now), TypeError);
    assert.throws(() => new TokenCache(1.5, Date.now), TypeError);
  });
});

describe('DenyList', () => {
  it('remembers a revoked jti until its exp plus the clock leeway, then forgets it', () => {
    const clock = new FakeClock();
    const deny = new DenyList(clock.now, 5);
    const exp = clock.seconds + 10;
    deny.add('at_1', exp);
    assert.ok(deny.has('at_1'));
    clock.ms = (exp + 5) * 1000 - 1;
    assert.equal(deny.purgeExpired(), 0, 'still inside the leeway: validation would accept the token');
    assert.ok(deny.has('at_1'));
    clock.advance(1);
    assert.equal(deny.purgeExpired(), 1);
    assert.equal(deny.has('at_1'), false);
  });

  it('does not record a revocation of a token that is already past validity', () => {
    const clock = new FakeClock();
    const deny = new DenyList(clock.now, 0);
    deny.add('at_old', clock.seconds - 1);
    assert.equal(deny.size, 0);
  });

  it('sweeps expired entries as new ones arrive', () => {
    const clock = new FakeClock();
    const deny = new DenyList(clock.now, 0);
    for (let i = 0; i < 100; i++) deny.add(`at_${i}`, clock.seconds + 10);
    clock.advance(120_000);
    deny.add('at_new', clock.seconds + 10);
    assert.equal(deny.size, 1);
  });
});
