/**
 * Brute-force protection for the token endpoint: failed logins and failed client authentications are
 * counted per username (or client id) and per address in a fixed window. Past `slowAfter` failures each
 * attempt is delayed a little more; past `blockAfter` it is refused (429, `Retry-After`) until the window ends.
 */
import type { Clock } from './clock.js';
import { TooManyAttempts } from './errors.js';

export interface AttemptLimit {
  /** Failures after which each further attempt is delayed. */
  slowAfter: number;
  /** Failures after which attempts are refused until the window resets. */
  blockAfter: number;
}

export interface BruteForceLimits {
  windowSeconds: number;
  /** Per username for logins, per client id for client authentication. */
  account: AttemptLimit;
  /** Per remote address, over every account. */
  address: AttemptLimit;
  /** Added per failure beyond `slowAfter`, up to `maxDelayMs`. */
  delayStepMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BRUTE_FORCE_LIMITS: BruteForceLimits = Object.freeze({
  windowSeconds: 900,
  account: Object.freeze({ slowAfter: 5, blockAfter: 10 }),
  address: Object.freeze({ slowAfter: 20, blockAfter: 100 }),
  delayStepMs: 250,
  maxDelayMs: 2000,
});

/** Shared failure counters: in-process by default, Redis when several nodes must agree. */
export interface AttemptCounter {
  get(key: string): Promise<{ count: number; resetInSeconds: number }>;
  increment(key: string, windowSeconds: number): Promise<void>;
  reset(key: string): Promise<void>;
}

/** A bounded in-memory counter; old windows are dropped so an attacker cannot grow it without limit. */
export class InMemoryAttemptCounter implements AttemptCounter {
  readonly #windows = new Map<string, { count: number; resetAtMs: number }>();
  readonly #clock: Clock;
  readonly #maxKeys: number;

  constructor(clock: Clock, maxKeys = 100_000) {
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  async get(key: string): Promise<{ count: number; resetInSeconds: number }> {
    const window = this.#live(key);
    if (!window) return { count: 0, resetInSeconds: 0 };
    return { count: window.count, resetInSeconds: Math.max(1, Math.ceil((window.resetAtMs - this.#clock()) / 1000)) };
  }

  async increment(key: string, windowSeconds: number): Promise<void> {
    const window = this.#live(key);
    if (window) {
      window.count += 1;
      return;
    }
    if (this.#windows.size >= this.#maxKeys) this.#evict();
    this.#windows.set(key, { count: 1, resetAtMs: this.#clock() + windowSeconds * 1000 });
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  #live(key: string): { count: number; resetAtMs: number } | undefined {
    const window = this.#windows.get(key);
    if (window && window.resetAtMs <= this.#clock()) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  #evict(): void {
    const now = this.#clock();
    for (const [key, window] of this.#windows) if (window.resetAtMs <= now) this.#windows.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) break;
      this.#windows.delete(key);
    }
  }
}

export interface AttemptSubject {
  /** `user:<name>` or `client:<id>`; omitted when the request named no account. */
  account?: string;
  address: string;
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class BruteForceGuard {
  readonly #counter: AttemptCounter;
  readonly #limits: BruteForceLimits;
  readonly #sleep: Sleep;

  constructor(counter: AttemptCounter, limits: BruteForceLimits, sleep: Sleep = realSleep) {
    this.#counter = counter;
    this.#limits = limits;
    this.#sleep = sleep;
  }

  /** Refuses a blocked subject, or waits out the delay its failures have earned. */
  async admit(subject: AttemptSubject): Promise<void> {
    const [account, address] = await Promise.all([
      subject.account === undefined ? undefined : this.#counter.get(`account:${subject.account}`),
      this.#counter.get(`address:${subject.address}`),
    ]);
    let delayMs = this.#verdict(address, this.#limits.address);
    if (account) delayMs = Math.max(delayMs, this.#verdict(account, this.#limits.account));
    if (delayMs > 0) await this.#sleep(delayMs);
  }

  async failed(subject: AttemptSubject): Promise<void> {
    const window = this.#limits.windowSeconds;
    await Promise.all([
      subject.account === undefined ? undefined : this.#counter.increment(`account:${subject.account}`, window),
      this.#counter.increment(`address:${subject.address}`, window),
    ]);
  }

  /** A success clears the account's count (not the address's: one good password must not unlock a spray). */
  async succeeded(subject: AttemptSubject): Promise<void> {
    if (subject.account !== undefined) await this.#counter.reset(`account:${subject.account}`);
  }

  #verdict(state: { count: number; resetInSeconds: number }, limit: AttemptLimit): number {
    if (state.count >= limit.blockAfter) throw new TooManyAttempts(state.resetInSeconds);
    if (state.count < limit.slowAfter) return 0;
    return Math.min(this.#limits.maxDelayMs, this.#limits.delayStepMs * (state.count - limit.slowAfter + 1));
  }
}
