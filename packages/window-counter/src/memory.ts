import { NO_WINDOW, type WindowCount, type WindowCounter, assertWindowMs } from './window-counter.js';

export interface MemoryWindowCounterOptions {
  /** Epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Keys held at most, so an attacker inventing keys cannot grow the process without limit. Default 100 000. */
  maxKeys?: number;
}

/** Ended windows are dropped at most this often, so memory follows the number of live keys. */
const SWEEP_INTERVAL_MS = 60_000;
const DEFAULT_MAX_KEYS = 100_000;

/**
 * The in-process WindowCounter: a single node's, and each node's fallback while Redis is unreachable. No `await`
 * in any method before its update, so each runs in one event-loop turn and is atomic within the process.
 */
export class MemoryWindowCounter implements WindowCounter {
  readonly #windows = new Map<string, WindowCount>();
  readonly #now: () => number;
  readonly #maxKeys: number;
  #lastSweepMs: number;

  constructor(options: MemoryWindowCounterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#lastSweepMs = this.#now();
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    assertWindowMs(windowMs);
    const nowMs = this.#now();
    this.#sweep(nowMs);
    const window = this.#live(key, nowMs);
    if (window !== undefined) {
      window.count += 1;
      return { ...window };
    }
    if (this.#windows.size >= this.#maxKeys) this.#makeRoom(nowMs);
    const opened = { count: 1, resetAtMs: nowMs + windowMs };
    this.#windows.set(key, opened);
    return { ...opened };
  }

  async peek(key: string): Promise<WindowCount> {
    const window = this.#live(key, this.#now());
    return window === undefined ? { ...NO_WINDOW } : { ...window };
  }

  async takeBack(key: string): Promise<void> {
    const window = this.#live(key, this.#now());
    if (window === undefined) return;
    window.count -= 1;
    if (window.count <= 0) this.#windows.delete(key);
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#windows.size;
  }

  #live(key: string, nowMs: number): WindowCount | undefined {
    const window = this.#windows.get(key);
    if (window === undefined || window.resetAtMs > nowMs) return window;
    this.#windows.delete(key);
    return undefined;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    this.#dropEnded(nowMs);
  }

  /** Full: ended windows go first, then the oldest live ones (a Map iterates in insertion order). */
  #makeRoom(nowMs: number): void {
    this.#dropEnded(nowMs);
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) break;
      this.#windows.delete(key);
    }
  }

  #dropEnded(nowMs: number): void {
    for (const [key, window] of this.#windows) if (window.resetAtMs <= nowMs) this.#windows.delete(key);
  }
}
