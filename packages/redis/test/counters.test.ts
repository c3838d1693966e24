import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BruteForceGuard,
  DEFAULT_BRUTE_FORCE_LIMITS,
  InMemoryAttemptCounter,
  TooManyAttempts,
  systemClock,
} from '@tollgate/core';
import { MemoryWindowCounter, createRedisAttemptCounter, createRedisWindowCounter } from '../src/index.js';
import { REDIS_URL, captureLog, eventually, sharedRedisSkipReason, uniquePrefix } from './support/redis.js';

const skip = await sharedRedisSkipReason();

describe('Redis attempt counter', { skip }, () => {
  const keyPrefix = uniquePrefix();
  const log = captureLog();
  const open = () =>
    createRedisAttemptCounter({
      url: REDIS_URL,
      logger: log.logger,
      keyPrefix,
      fallback: new InMemoryAttemptCounter(systemClock),
    });
  let nodeA: ReturnType<typeof open>;
  let nodeB: ReturnType<typeof open>;
  // In a hook, not the suite body: a skipped suite must open no connection.
  before(() => {
    nodeA = open();
    nodeB = open();
  });
  after(() => Promise.all([nodeA.close(), nodeB.close()]));

  /** Until both connections are up, counting happens (correctly) in-process; the sharing tests need Redis. */
  async function bothConnected(): Promise<void> {
    await eventually(
      async () => {
        await nodeA.increment('probe', 60);
        return (await nodeB.get('probe')).count > 0;
      },
      5_000,
      'the counters never reached Redis',
    );
  }

  it("counts failures on one node that another node sees, with the window's time left", async () => {
    await bothConnected();
    await nodeA.increment('account:user:alice', 900);
    await nodeA.increment('account:user:alice', 900);
    await nodeB.increment('account:user:alice', 900);
    const seen = await nodeB.get('account:user:alice');
    assert.equal(seen.count, 3);
    assert.ok(seen.resetInSeconds > 895 && seen.resetInSeconds <= 900, `resetInSeconds ${seen.resetInSeconds}`);
    assert.deepEqual(await nodeA.get('account:user:bob'), { count: 0, resetInSeconds: 0 });
  });

  it('forgets a count on every node when one node resets it', async () => {
    await bothConnected();
    await nodeA.increment('account:client:cli_1', 900);
    await nodeB.reset('account:client:cli_1');
    assert.equal((await nodeA.get('account:client:cli_1')).count, 0);
  });

  it('ends the window in Redis: a count expires after windowSeconds', async () => {
    await bothConnected();
    await nodeA.increment('address:192.0.2.1', 1);
    assert.equal((await nodeB.get('address:192.0.2.1')).count, 1);
    await eventually(async () => (await nodeB.get('address:192.0.2.1')).count === 0, 3_000, 'the window never ended');
  });

  it("blocks an account on one node after failures made on others (core's BruteForceGuard)", async () => {
    await bothConnected();
    const limits = { ...DEFAULT_BRUTE_FORCE_LIMITS, account: { slowAfter: 100, blockAfter: 4 } };
    const guardA = new BruteForceGuard(nodeA, limits);
    const guardB = new BruteForceGuard(nodeB, limits);
    const subject = { account: 'user:mallory', address: '198.51.100.7' };
    await guardA.admit(subject);
    await guardB.admit(subject);
    await guardA.admit(subject);
    await guardB.admit(subject);
    await assert.rejects(guardA.admit(subject), TooManyAttempts);
  });

  it('gives each of 30 increments spread over two nodes at once a count of its own', async () => {
    await bothConnected();
    const counts = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? nodeA : nodeB).increment('account:user:eve', 900)),
    );
    assert.deepEqual(
      counts.map(({ count }) => count).sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, index) => index + 1),
    );
  });

  it('takes one increment back, never below zero and never opening a window', async () => {
    await bothConnected();
    await nodeA.increment('account:user:trent', 900);
    await nodeA.increment('account:user:trent', 900);
    await nodeB.decrement('account:user:trent');
    assert.equal((await nodeA.get('account:user:trent')).count, 1);
    await nodeB.decrement('account:user:trent');
    await nodeB.decrement('account:user:trent');
    assert.deepEqual(await nodeA.get('account:user:trent'), { count: 0, resetInSeconds: 0 });
    const reopened = await nodeA.increment('account:user:trent', 900);
    assert.equal(reopened.count, 1);
    assert.ok(reopened.resetInSeconds > 895, `a fresh window, ${reopened.resetInSeconds} s left`);
  });

  it('admits exactly blockAfter of 30 concurrent attempts made through two nodes', async () => {
    await bothConnected();
    const limits = { ...DEFAULT_BRUTE_FORCE_LIMITS, account: { slowAfter: 100, blockAfter: 10 } };
    const guards = [new BruteForceGuard(nodeA, limits), new BruteForceGuard(nodeB, limits)];
    const subject = { account: 'user:oscar', address: '198.51.100.8' };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) => guards[index % 2]?.admit(subject)),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(outcomes.length - refused.length, 10);
    for (const outcome of refused) assert.ok(outcome.reason instanceof TooManyAttempts, String(outcome.reason));
    assert.equal((await nodeA.get('account:user:oscar')).count, 10, 'refused attempts are not counted');
  });
});

describe('Redis window counter', { skip }, () => {
  const keyPrefix = uniquePrefix();
  const log = captureLog();
  const open = () =>
    createRedisWindowCounter({ url: REDIS_URL, logger: log.logger, keyPrefix, fallback: new MemoryWindowCounter() });
  let nodeA: ReturnType<typeof open>;
  let nodeB: ReturnType<typeof open>;
  // In a hook, not the suite body: a skipped suite must open no connection.
  before(() => {
    nodeA = open();
    nodeB = open();
  });
  after(() => Promise.all([nodeA.close(), nodeB.close()]));

  /** A fresh key hit on both nodes is counted twice only when both count in Redis. */
  async function bothConnected(): Promise<void> {
    await eventually(
      async () => {
        const key = `probe-${randomUUID()}`;
        await nodeA.hit(key, 60_000);
        return (await nodeB.hit(key, 60_000)).count === 2;
      },
      5_000,
      'the window counters never reached Redis',
    );
  }

  it('counts hits from every node in one window, and tells when it ends', async () => {
    await bothConnected();
    const before = Date.now();
    const first = await nodeA.hit('route-0:token:j1', 60_000);
    const second = await nodeB.hit('route-0:token:j1', 60_000);
    const third = await nodeA.hit('route-0:token:j1', 60_000);
    assert.deepEqual([first.count, second.count, third.count], [1, 2, 3]);
    assert.ok(first.resetAtMs >= before + 59_000 && first.resetAtMs <= Date.now() + 60_000);
    assert.ok(Math.abs(third.resetAtMs - first.resetAtMs) < 1_000, 'both nodes report the same window end');
    assert.equal((await nodeB.hit('route-0:token:j2', 60_000)).count, 1, 'keys are counted apart');
  });

  it('starts a new window once the last one ended', async () => {
    await bothConnected();
    // Hits within the window keep counting up; the first hit after it ended starts again at 1.
    const windowMs = 2_000;
    await nodeA.hit('short', windowMs);
    assert.equal((await nodeB.hit('short', windowMs)).count, 2);
    const counts: number[] = [];
    await eventually(
      async () => {
        counts.push((await nodeB.hit('short', windowMs)).count);
        return counts.at(-1) === 1;
      },
      15_000,
      'no new window began',
    );
    assert.deepEqual(
      counts,
      counts.map((_, i) => (i === counts.length - 1 ? 1 : i + 3)),
      'counts rose by one per hit until the window ended',
    );
  });

  it('logs no outage while Redis is up', () => {
    assert.deepEqual(
      log.lines().filter((line) => line.level >= 40),
      [],
    );
  });
});

describe('MemoryWindowCounter', () => {
  it('counts within a window, starts over after it, and drops ended windows', async () => {
    let nowMs = 1_000;
    const counter = new MemoryWindowCounter({ now: () => nowMs });
    assert.deepEqual(await counter.hit('k', 10_000), { count: 1, resetAtMs: 11_000 });
    nowMs = 5_000;
    assert.deepEqual(await counter.hit('k', 10_000), { count: 2, resetAtMs: 11_000 });
    nowMs = 11_000;
    assert.deepEqual(await counter.hit('k', 10_000), { count: 1, resetAtMs: 21_000 });
    await counter.hit('other', 1_000);
    nowMs = 100_000;
    await counter.hit('late', 1_000);
    assert.equal(counter.size, 1);
  });

  it('refuses a window that is not a positive whole number of milliseconds', async () => {
    await assert.rejects(new MemoryWindowCounter().hit('k', 0), TypeError);
  });
});
