/**
 * core's AttemptCounter (brute-force failures per account and per address) on Redis, so every node counts the same
 * failures: otherwise an attacker spreading guesses over N nodes gets N times the allowance.
 *
 * Degradation, by design: while Redis is unreachable, counting goes on in the in-process `fallback`, so limits hold
 * per node (N times looser across N nodes) rather than not at all; callers never see a Redis error. A read takes the
 * higher of the two counts, so failures counted in-process during an outage still count until their window ends.
 */
import type { AttemptCounter } from '@tollgate/core';
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

/** INCR and, for a new window, its expiry: one atomic step, so no key can be left counting without an end. */
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Count and time left of a window, read together. */
const READ = `return { redis.call('GET', KEYS[1]) or '0', redis.call('PTTL', KEYS[1]) }`;

export function createRedisAttemptCounter(
  options: RedisOptions & { fallback: AttemptCounter },
): AttemptCounter & { close(): Promise<void> } {
  const prefix = `${keyPrefix(options)}attempts:`;
  const { fallback } = options;
  const redis = connect(options, 'attempts');
  const outage = new OutageLog(
    options,
    'brute-force counters',
    'failed attempts are counted per node until it is back',
    [redis],
  );

  /** Runs a Redis step; undefined when Redis failed (already logged) or hangs (skipped without waiting). */
  async function attempt<T>(step: () => Promise<T>): Promise<T | undefined> {
    if (outage.hung) return undefined;
    try {
      const result = await step();
      outage.succeeded();
      return result;
    } catch (error) {
      outage.failed(error);
      return undefined;
    }
  }

  return {
    async get(key) {
      const [shared, local] = await Promise.all([
        attempt(() => redis.eval(READ, 1, prefix + key) as Promise<[string, number]>),
        fallback.get(key),
      ]);
      if (shared === undefined) return local;
      const count = Number(shared[0]);
      const ttlMs = shared[1];
      if (count <= 0 || ttlMs <= 0 || local.count > count) return local;
      return { count, resetInSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
    async increment(key, windowSeconds) {
      const done = await attempt(() => redis.eval(INCREMENT, 1, prefix + key, String(windowSeconds * 1000)));
      if (done === undefined) await fallback.increment(key, windowSeconds);
    },
    async reset(key) {
      // Both: a count the fallback kept during an outage must not outlive a success either.
      await Promise.all([attempt(() => redis.del(prefix + key)), fallback.reset(key)]);
    },
    close: () => {
      outage.close();
      return closeAll([redis]);
    },
  };
}
