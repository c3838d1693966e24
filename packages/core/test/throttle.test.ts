import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TooManyAttempts } from '../src/errors.js';
import { BruteForceGuard, type BruteForceLimits, InMemoryAttemptCounter } from '../src/throttle.js';

const LIMITS: BruteForceLimits = {
  windowSeconds: 60,
  account: { slowAfter: 2, blockAfter: 4 },
  address: { slowAfter: 5, blockAfter: 8 },
  delayStepMs: 100,
  maxDelayMs: 250,
};

function setup() {
  let nowMs = 1_000_000;
  const sleeps: number[] = [];
  const counter = new InMemoryAttemptCounter(() => nowMs);
  const guard = new BruteForceGuard(counter, LIMITS, async (ms) => {
    sleeps.push(ms);
  });
  return { guard, sleeps, advance: (ms: number) => (nowMs += ms) };
}

describe('brute-force guard', () => {
  it('admits without delay below the slow-down threshold', async () => {
    const { guard, sleeps } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    await guard.failed(subject);
    await guard.admit(subject);
    assert.deepEqual(sleeps, []);
  });

  it('delays more with each failure past the threshold, up to the maximum', async () => {
    const { guard, sleeps } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 3; i++) {
      await guard.failed(subject);
      await guard.admit(subject);
    }
    assert.deepEqual(sleeps, [100, 200]);
  });

  it('refuses a blocked account with the seconds left in its window', async () => {
    const { guard, advance } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 4; i++) await guard.failed(subject);
    advance(20_000);
    await assert.rejects(guard.admit(subject), (error: unknown) => {
      assert.ok(error instanceof TooManyAttempts);
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterSeconds, 40);
      return true;
    });
  });

  it('admits the account again once the window has passed', async () => {
    const { guard, advance } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 4; i++) await guard.failed(subject);
    advance(60_000);
    await guard.admit(subject);
  });

  it('blocks an address spraying many accounts even though each account stays under its limit', async () => {
    const { guard } = setup();
    for (let i = 0; i < 8; i++) await guard.failed({ account: `user:u${i}`, address: '10.0.0.9' });
    await assert.rejects(guard.admit({ account: 'user:fresh', address: '10.0.0.9' }), TooManyAttempts);
    await guard.admit({ account: 'user:fresh', address: '10.0.0.10' });
  });

  it('clears the account count on success but keeps the address count', async () => {
    const { guard } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 3; i++) await guard.failed(subject);
    await guard.succeeded(subject);
    for (let i = 0; i < 3; i++) await guard.failed(subject);
    await guard.admit(subject); // account at 3 again, not 6: below the block threshold
    for (let i = 0; i < 2; i++) await guard.failed({ address: '10.0.0.1' });
    await assert.rejects(guard.admit({ address: '10.0.0.1' }), TooManyAttempts);
  });
});

describe('in-memory attempt counter', () => {
  it('never holds more keys than its bound', async () => {
    const counter = new InMemoryAttemptCounter(() => 0, 10);
    for (let i = 0; i < 50; i++) await counter.increment(`k${i}`, 60);
    let held = 0;
    for (let i = 0; i < 50; i++) if ((await counter.get(`k${i}`)).count > 0) held++;
    assert.equal(held, 10);
    assert.equal((await counter.get('k49')).count, 1);
  });
});
