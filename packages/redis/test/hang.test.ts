/**
 * A private redis-server stopped with SIGSTOP: connections stay open and nothing answers. The first command
 * waits out the 1 s command timeout; after that the counters use their in-process fallback without waiting,
 * and share counts through Redis again once it runs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { createRedisWindowCounter } from '../src/index.js';
import {
  type PrivateRedis,
  WARN,
  captureLog,
  eventually,
  privateRedisSkipReason,
  startPrivateRedis,
} from './support/redis.js';

const skip = privateRedisSkipReason();
const CALLS = 10;
/** Ten calls that each waited for the 1 s command timeout would take 10 s or more. */
const WITHOUT_WAITING_MS = 5_000;

describe('when Redis hangs', { skip }, () => {
  let server: PrivateRedis;
  const log = captureLog();
  let attemptsA: ReturnType<typeof createRedisWindowCounter>;
  let attemptsB: ReturnType<typeof createRedisWindowCounter>;
  let windows: ReturnType<typeof createRedisWindowCounter>;

  before(async () => {
    server = await startPrivateRedis();
    const options = { url: server.url, logger: log.logger };
    attemptsA = createRedisWindowCounter({ ...options, purpose: 'attempts', fallback: new MemoryWindowCounter() });
    attemptsB = createRedisWindowCounter({ ...options, purpose: 'attempts', fallback: new MemoryWindowCounter() });
    windows = createRedisWindowCounter({ ...options, purpose: 'rate', fallback: new MemoryWindowCounter() });
    const key = `ready-${randomUUID()}`;
    await eventually(
      async () => {
        await attemptsA.hit(key, 60_000);
        return (await attemptsB.peek(key)).count > 0;
      },
      10_000,
      'the counters never reached Redis',
    );
  });
  after(async () => {
    server?.thaw();
    await Promise.all([attemptsA?.close(), attemptsB?.close(), windows?.close()]);
    await server?.kill();
  });

  it('falls back at once after the first timeout, for attempts and rate windows', async () => {
    server.freeze();
    const key = `hung-${randomUUID()}`;
    await attemptsA.hit(key, 60_000);
    await windows.hit(key, 60_000);

    const started = performance.now();
    for (let i = 0; i < CALLS; i += 1) {
      await attemptsA.hit(key, 60_000);
      await attemptsA.peek(key);
      await windows.hit(key, 60_000);
    }
    const elapsedMs = performance.now() - started;
    assert.ok(
      elapsedMs < WITHOUT_WAITING_MS,
      `${CALLS} rounds took ${Math.round(elapsedMs)} ms: still waiting on Redis`,
    );
    assert.equal((await attemptsA.peek(key)).count, CALLS + 1, 'the fallback counted every failure');
    assert.ok(
      log.lines().some((line) => line.level === WARN && /Redis unreachable/.test(line.msg)),
      'the outage was logged',
    );
  });

  it('shares counts through Redis again once it runs', async () => {
    server.thaw();
    const key = `back-${randomUUID()}`;
    await eventually(
      async () => {
        await attemptsA.hit(key, 60_000);
        return (await attemptsB.peek(key)).count > 0;
      },
      10_000,
      'the counters never went back to Redis',
    );
  });
});
