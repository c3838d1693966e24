/**
 * core's AttemptCounter (brute-force failures per account and per address) on Redis, so every node counts the same
 * failures: otherwise an attacker spreading guesses over N nodes gets N times the allowance.
 *
 * Degradation, by design: while Redis is unreachable, counting goes on in the in-process `fallback`, so limits hold
 * per node (N times looser across N nodes) rather than not at all; callers never see a Redis error. A read takes the
 * higher of the two counts, so failures counted in-process during an outage still count until their window ends.
 *
 * An increment returns the count INCR made, so two nodes' concurrent attempts never see the same count: the guard
 * admits at most `blockAfter` of them across the cluster.
 */
import type { AttemptCounter, AttemptWindow } from '@tollgate/core';
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

/**
 * INCR and, for a new window, its expiry: one atomic step, so no key can be left counting without an end. Returns
 * the new count and the window's time left.
 */
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`;

/** Takes one back from a live window only: never below zero, never a key without an expiry (a DECR would make one). */
const DECREMENT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 1 then redis.call('DECR', KEYS[1]) elseif count == 1 then redis.call('DEL', KEYS[1]) end
return 0`;

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
      return shared === undefined ? local : higher(Number(shared[0]), shared[1], local);
    },
    async increment(key, windowSeconds) {
      const shared = await attempt(
        () => redis.eval(INCREMENT, 1, prefix + key, String(windowSeconds * 1000)) as Promise<[number, number]>,
      );
      if (shared === undefined) return fallback.increment(key, windowSeconds);
      return higher(shared[0], shared[1], await fallback.get(key));
    },
    async decrement(key) {
      // Where the increment most likely went: Redis while it answers, the fallback while it does not.
      const done = await attempt(() => redis.eval(DECREMENT, 1, prefix + key));
      if (done === undefined) await fallback.decrement(key);
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

/** The shared window, or the in-process one when it counted more (failures counted there during an outage). */
function higher(count: number, ttlMs: number, local: AttemptWindow): AttemptWindow {
  if (count <= 0 || ttlMs <= 0 || local.count > count) return local;
  return { count, resetInSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
}
