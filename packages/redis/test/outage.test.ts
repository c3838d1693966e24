/**
 * A private redis-server is killed under running nodes and brought back on the same port: nothing throws, counting
 * goes on per node, the outage is logged once per feature, and everything finds Redis again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BruteForceGuard, DEFAULT_BRUTE_FORCE_LIMITS, TooManyAttempts } from '@tollgate/core';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { createRedisRevocationSignal, createRedisWindowCounter } from '../src/index.js';
import {
  INFO,
  type PrivateRedis,
  WARN,
  captureLog,
  eventually,
  privateRedisSkipReason,
  startPrivateRedis,
} from './support/redis.js';

const skip = privateRedisSkipReason();

describe('when Redis goes down and comes back', { skip }, () => {
  let server: PrivateRedis;
  let options: { url: string; logger: ReturnType<typeof captureLog>['logger'] };
  const log = captureLog();
  let signalA: ReturnType<typeof createRedisRevocationSignal>;
  let signalB: ReturnType<typeof createRedisRevocationSignal>;
  let attemptsA: ReturnType<typeof createRedisWindowCounter>;
  let attemptsB: ReturnType<typeof createRedisWindowCounter>;
  let windowsA: ReturnType<typeof createRedisWindowCounter>;
  let windowsB: ReturnType<typeof createRedisWindowCounter>;
  let signalsHeardByB = 0;

  before(async () => {
    server = await startPrivateRedis();
    options = { url: server.url, logger: log.logger };
    signalA = createRedisRevocationSignal(options);
    signalB = createRedisRevocationSignal(options);
    signalB.subscribe(() => signalsHeardByB++);
    attemptsA = createRedisWindowCounter({ ...options, purpose: 'attempts', fallback: new MemoryWindowCounter() });
    attemptsB = createRedisWindowCounter({ ...options, purpose: 'attempts', fallback: new MemoryWindowCounter() });
    windowsA = createRedisWindowCounter({ ...options, purpose: 'rate', fallback: new MemoryWindowCounter() });
    windowsB = createRedisWindowCounter({ ...options, purpose: 'rate', fallback: new MemoryWindowCounter() });
    await eventually(
      async () => {
        signalA.publish();
        await attemptsA.hit('probe', 60_000);
        const key = `probe-${randomUUID()}`;
        await windowsA.hit(key, 60_000);
        const shared = (await windowsB.hit(key, 60_000)).count === 2;
        return shared && signalsHeardByB > 0 && (await attemptsB.peek('probe')).count > 0;
      },
      10_000,
      'the nodes never reached the private Redis',
    );
  });

  after(async () => {
    await Promise.all([signalA, signalB, attemptsA, attemptsB, windowsA, windowsB].map((part) => part?.close()));
    await server?.kill();
  });

  it('shares counts while Redis is up', async () => {
    assert.equal((await windowsA.hit('route', 60_000)).count, 1);
    assert.equal((await windowsB.hit('route', 60_000)).count, 2);
  });

  it('keeps limiting per node without throwing while Redis is down, and warns once per feature', async () => {
    await server.kill();
    await eventually(() => log.lines().some((line) => line.level === WARN), 5_000, 'no outage warning');

    // The revocation signal: publishing must neither throw nor block.
    for (let index = 0; index < 5; index++) signalA.publish();

    // Rate windows: each node counts on its own (a limit of 3 holds on each).
    const countsA = [];
    for (let index = 0; index < 4; index++) countsA.push((await windowsA.hit('route-down', 60_000)).count);
    assert.deepEqual(countsA, [1, 2, 3, 4]);
    assert.equal((await windowsB.hit('route-down', 60_000)).count, 1, 'per node while Redis is down');

    // Brute-force counters: the guard still blocks, on the node where the failures happened.
    const limits = { ...DEFAULT_BRUTE_FORCE_LIMITS, account: { slowAfter: 100, blockAfter: 3 } };
    const guardA = new BruteForceGuard(attemptsA, limits);
    const subject = { account: 'user:mallory', address: '198.51.100.7' };
    for (let index = 0; index < 3; index++) await guardA.admit(subject);
    await assert.rejects(guardA.admit(subject), TooManyAttempts);
    await new BruteForceGuard(attemptsB, limits).admit(subject);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const warnings = log.lines().filter((line) => line.level === WARN);
    assert.deepEqual(warnings.map((line) => line.msg.split(':')[0]).sort(), [
      'brute-force counters',
      'brute-force counters',
      'rate limits',
      'rate limits',
      'revocation signal',
      'revocation signal',
    ]);
  });

  it('finds Redis again on the same port: signals fire after the reconnect, counting is shared again', async () => {
    const heardBefore = signalsHeardByB;
    server = await startPrivateRedis(server.port);
    // Nobody published: the reconnect itself fires the signal (messages may have been missed meanwhile).
    await eventually(() => signalsHeardByB > heardBefore, 10_000, 'no signal after the reconnect');
    await eventually(
      async () => {
        const key = `back-${randomUUID()}`;
        await windowsA.hit(key, 60_000);
        return (await windowsB.hit(key, 60_000)).count === 2;
      },
      10_000,
      'the window counters never went back to Redis',
    );
    await eventually(
      async () => {
        await attemptsA.hit('back', 60_000);
        return (await attemptsB.peek('back')).count > 0;
      },
      10_000,
      'the attempt counters never went back to Redis',
    );
    const heard = signalsHeardByB;
    await eventually(
      () => {
        signalA.publish();
        return signalsHeardByB > heard;
      },
      5_000,
      'publish does not reach the other node after the reconnect',
    );
    await eventually(
      () => log.lines().filter((line) => line.level === INFO && line.msg.includes('reachable again')).length === 6,
      5_000,
      'each feature of each node logs once that Redis is back',
    );
  });
});
