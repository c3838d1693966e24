import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TooManyAttempts } from '../src/errors.js';
import { MemoryWindowCounter, type WindowCounter } from '@tollgate/window-counter';
import { BruteForceGuard, type BruteForceLimits } from '../src/throttle.js';

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
  const now = () => nowMs;
  const counter = new MemoryWindowCounter({ now });
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const guard = new BruteForceGuard(counter, LIMITS, sleep, now);
  return { guard, counter, sleeps, advance: (ms: number) => (nowMs += ms) };
}

describe('brute-force guard', () => {
  it('admits without delay up to the slow-down threshold', async () => {
    const { guard, sleeps } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    await guard.admit(subject);
    await guard.admit(subject);
    assert.deepEqual(sleeps, []);
  });

  it('delays more with each failure past the threshold, up to the maximum', async () => {
    const { guard, sleeps } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 4; i++) await guard.admit(subject);
    assert.deepEqual(sleeps, [100, 200]);
  });

  it('refuses a blocked account with the seconds left in its window', async () => {
    const { guard, advance } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 4; i++) await guard.admit(subject);
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
    for (let i = 0; i < 4; i++) await guard.admit(subject);
    advance(60_000);
    await guard.admit(subject);
  });

  it('blocks an address spraying many accounts even though each account stays under its limit', async () => {
    const { guard } = setup();
    for (let i = 0; i < 8; i++) await guard.admit({ account: `user:u${i}`, address: '10.0.0.9' });
    await assert.rejects(guard.admit({ account: 'user:fresh', address: '10.0.0.9' }), TooManyAttempts);
    await guard.admit({ account: 'user:fresh', address: '10.0.0.10' });
  });

  it('admits exactly blockAfter of many concurrent attempts, and counts the refused ones for nothing', async () => {
    const { guard, counter } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => guard.admit(subject)));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(outcomes.length - refused.length, LIMITS.account.blockAfter);
    for (const outcome of refused) assert.ok(outcome.reason instanceof TooManyAttempts);
    assert.equal((await counter.peek('account:user:alice')).count, LIMITS.account.blockAfter);
    assert.equal((await counter.peek('address:10.0.0.1')).count, LIMITS.account.blockAfter);
  });

  it('clears the account count on success and refunds the attempt to the address', async () => {
    const { guard, counter } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 3; i++) await guard.admit(subject);
    await (await guard.admit(subject)).succeeded();
    assert.equal((await counter.peek('account:user:alice')).count, 0);
    assert.equal((await counter.peek('address:10.0.0.1')).count, 3, 'the three failures, not the success');
    for (let i = 0; i < 4; i++) await guard.admit(subject); // account at 4 again, not 7: still admitted
    await guard.admit({ address: '10.0.0.1' }); // the address's eighth failure
    await assert.rejects(guard.admit({ address: '10.0.0.1' }), TooManyAttempts);
  });

  it('counts an abandoned attempt for nothing', async () => {
    const { guard, counter } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    await guard.admit(subject);
    await (await guard.admit(subject)).abandoned();
    assert.equal((await counter.peek('account:user:alice')).count, 1);
    assert.equal((await counter.peek('address:10.0.0.1')).count, 1);
  });

  it('checks a blocked subject without counting', async () => {
    const { guard, counter } = setup();
    const subject = { account: 'user:alice', address: '10.0.0.1' };
    for (let i = 0; i < 3; i++) await guard.admit(subject);
    await guard.check(subject);
    assert.equal((await counter.peek('account:user:alice')).count, 3);
    await guard.admit(subject);
    await assert.rejects(guard.check(subject), TooManyAttempts);
  });

  it('resets nothing when a checked subject succeeds with no failures counted (no write per success)', async () => {
    const counter = new MemoryWindowCounter();
    const resets: string[] = [];
    const spy: WindowCounter = {
      hit: (key, windowMs) => counter.hit(key, windowMs),
      peek: (key) => counter.peek(key),
      takeBack: (key) => counter.takeBack(key),
      reset: (key) => {
        resets.push(key);
        return counter.reset(key);
      },
    };
    const guard = new BruteForceGuard(spy, LIMITS, async () => {});
    const subject = { account: 'client:cli_1', address: '10.0.0.1' };
    await (await guard.check(subject)).succeeded();
    assert.deepEqual(resets, []);
    await guard.admit(subject);
    await (await guard.check(subject)).succeeded();
    assert.deepEqual(resets, ['account:client:cli_1'], 'a counted failure is cleared by the success');
    assert.equal((await counter.peek('account:client:cli_1')).count, 0);
  });
});
