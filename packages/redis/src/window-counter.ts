/**
 * The WindowCounter (@tollgate/window-counter) on Redis, so every node counts the same hits: otherwise an attacker
 * spreading guesses (or requests) over N nodes gets N times the allowance. A window starts at its key's first hit
 * and lasts `windowMs`; Redis's own expiry ends it, so nodes whose clocks differ still agree on when it resets.
 *
 * Each step is one Lua script, registered with `defineCommand` so ioredis sends its SHA (EVALSHA) and the script
 * body only when Redis does not know it yet. A hit returns the count INCR made, so concurrent hits on several nodes
 * never see the same count.
 *
 * Degradation, by design: while Redis is unreachable (or hangs: `OutageLog.hung`), counting goes on in the
 * in-process `fallback`, so limits hold per node (N times looser across N nodes) rather than not at all; callers
 * never see a Redis error. Reads take the higher of the two counts, so hits counted in-process during an outage
 * still count until their window ends.
 */
import { type WindowCount, type WindowCounter, assertWindowMs } from '@tollgate/window-counter';
import type { Redis } from 'ioredis';
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

/** INCR and, for a new window, its expiry: one atomic step, so no key is left counting without an end. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/** Count and time left, read together. */
const PEEK = `return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]) }`;

/** One back from a live window only: never below zero, never a key without expiry (a bare DECR would make one). */
const TAKE_BACK = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 1 then redis.call('DECR', KEYS[1]) elseif count == 1 then redis.call('DEL', KEYS[1]) end
return 0`;

/** The commands `defineCommand` adds; ioredis's types cannot know them. */
interface WindowScripts {
  tollgateWindowHit(key: string, windowMs: string): Promise<[number, number]>;
  tollgateWindowPeek(key: string): Promise<[number, number]>;
  tollgateWindowTakeBack(key: string): Promise<number>;
}

/** Every script by its command name (exported for the tests, which check Redis holds them by SHA). */
export const WINDOW_SCRIPTS: Readonly<Record<keyof WindowScripts, string>> = Object.freeze({
  tollgateWindowHit: HIT,
  tollgateWindowPeek: PEEK,
  tollgateWindowTakeBack: TAKE_BACK,
});

function withScripts(redis: Redis): Redis & WindowScripts {
  for (const [name, lua] of Object.entries(WINDOW_SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  return redis as Redis & WindowScripts;
}

/** What the counter is for: its keys (`<prefix><purpose>:<key>`) and what an outage warning says. */
const PURPOSES = {
  attempts: {
    role: 'attempts',
    feature: 'brute-force counters',
    consequence: 'failed attempts are counted per node until it is back',
  },
  rate: { role: 'rate-limits', feature: 'rate limits', consequence: 'requests are counted per node until it is back' },
} as const;

export type WindowCounterPurpose = keyof typeof PURPOSES;

export interface RedisWindowCounterOptions extends RedisOptions {
  purpose: WindowCounterPurpose;
  /** Counts while Redis is unreachable; usually a MemoryWindowCounter. */
  fallback: WindowCounter;
  /** Epoch milliseconds, to turn Redis's time left into `resetAtMs`. Default `Date.now`. */
  now?: () => number;
}

export function createRedisWindowCounter(
  options: RedisWindowCounterOptions,
): WindowCounter & { close(): Promise<void> } {
  const { fallback } = options;
  const purpose = PURPOSES[options.purpose];
  const prefix = `${keyPrefix(options)}${options.purpose}:`;
  const now = options.now ?? Date.now;
  const redis = withScripts(connect(options, purpose.role));
  const outage = new OutageLog(options, purpose.feature, purpose.consequence, [redis]);

  /** Runs a Redis step; undefined when Redis failed (already logged) or hangs (skipped without waiting). */
  async function shared<T>(step: () => Promise<T>): Promise<T | undefined> {
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

  /**
   * Redis's window, or the in-process one when it counted more (hits counted there during an outage). A PTTL of 0 is
   * a window ending this millisecond, still Redis's count: only a missing key or expiry (negative) is not.
   */
  function higher([count, ttlMs]: [number, number], local: WindowCount): WindowCount {
    if (count <= 0 || ttlMs < 0 || local.count > count) return local;
    return { count, resetAtMs: now() + ttlMs };
  }

  return {
    async hit(key, windowMs) {
      assertWindowMs(windowMs);
      const counted = await shared(() => redis.tollgateWindowHit(prefix + key, String(windowMs)));
      if (counted === undefined) return fallback.hit(key, windowMs);
      return higher(counted, await fallback.peek(key));
    },
    async peek(key) {
      const [read, local] = await Promise.all([
        shared(() => redis.tollgateWindowPeek(prefix + key)),
        fallback.peek(key),
      ]);
      return read === undefined ? local : higher(read, local);
    },
    async takeBack(key) {
      // Where the hit most likely went: Redis while it answers, the fallback while it does not.
      const done = await shared(() => redis.tollgateWindowTakeBack(prefix + key));
      if (done === undefined) await fallback.takeBack(key);
    },
    async reset(key) {
      // Both: a count the fallback kept during an outage must not outlive a reset either.
      await Promise.all([shared(() => redis.del(prefix + key)), fallback.reset(key)]);
    },
    close: () => {
      outage.close();
      return closeAll([redis]);
    },
  };
}
