/**
 * Fixed-window counters for rate limits, shared by every node through Redis (INCR + PEXPIRE in one script), with an
 * in-process window per node while Redis is unreachable (documented degradation: limits then hold per node).
 * A window starts at its key's first hit and lasts `windowMs`; Redis's own expiry ends it, so nodes whose clocks
 * differ still agree on when it resets.
 */
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

export interface WindowCounter {
  /** Counts one hit against `key`; returns the hits in the current window, this one included, and when it ends. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAtMs: number }>;
}

/** Count after this hit and the window's remaining milliseconds, atomically. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

export function createRedisWindowCounter(
  options: RedisOptions & { fallback: WindowCounter; now?: () => number },
): WindowCounter & { close(): Promise<void> } {
  const prefix = `${keyPrefix(options)}rate:`;
  const now = options.now ?? Date.now;
  const redis = connect(options, 'rate-limits');
  const outage = new OutageLog(options, 'rate limits', 'requests are counted per node until it is back', [redis]);
  return {
    async hit(key, windowMs) {
      positiveWindow(windowMs);
      if (outage.hung) return options.fallback.hit(key, windowMs);
      try {
        const [count, ttlMs] = (await redis.eval(HIT, 1, prefix + key, String(windowMs))) as [number, number];
        outage.succeeded();
        return { count, resetAtMs: now() + ttlMs };
      } catch (error) {
        outage.failed(error);
        return options.fallback.hit(key, windowMs);
      }
    },
    close: () => {
      outage.close();
      return closeAll([redis]);
    },
  };
}

/** Forgotten windows are dropped at most this often, so memory follows the number of live keys. */
const SWEEP_INTERVAL_MS = 60_000;

/** The in-process WindowCounter: the single node's, and every node's fallback while Redis is down. */
export class MemoryWindowCounter implements WindowCounter {
  readonly #windows = new Map<string, { count: number; resetAtMs: number }>();
  readonly #now: () => number;
  #lastSweepMs: number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#lastSweepMs = this.#now();
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetAtMs: number }> {
    positiveWindow(windowMs);
    const nowMs = this.#now();
    this.#sweep(nowMs);
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAtMs <= nowMs) {
      window = { count: 0, resetAtMs: nowMs + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetAtMs: window.resetAtMs };
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    for (const [key, window] of this.#windows) if (window.resetAtMs <= nowMs) this.#windows.delete(key);
  }
}

function positiveWindow(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new TypeError('windowMs must be a positive integer');
}
