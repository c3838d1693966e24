/**
 * Brute-force protection for the token endpoint: failed logins and failed client authentications are
 * counted per username (or client id) and per address in a fixed window. Past `slowAfter` failures each
 * attempt is delayed a little more; past `blockAfter` it is refused (429, `Retry-After`) until the window ends.
 *
 * An attempt is counted as a failure before its secret is checked, by an atomic increment that returns the new
 * count, and refunded once the secret turns out right. Reading the count first and adding to it after the check
 * (check-then-act) let every one of N concurrent guesses pass a check made before any of them was counted.
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

/** A window's count and the seconds until it ends (0 and 0 when no window is open). */
export interface AttemptWindow {
  count: number;
  resetInSeconds: number;
}

/** Shared failure counters: in-process by default, Redis when several nodes must agree. */
export interface AttemptCounter {
  get(key: string): Promise<AttemptWindow>;
  /**
   * Adds one and returns the window as it is afterwards, in one atomic step: concurrent calls never see the same
   * count. Opens a window of `windowSeconds` when none is open.
   */
  increment(key: string, windowSeconds: number): Promise<AttemptWindow>;
  /** Takes one increment back; never below zero, and never opens a window. */
  decrement(key: string): Promise<void>;
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

  async get(key: string): Promise<AttemptWindow> {
    const window = this.#live(key);
    return window ? this.#view(window) : { count: 0, resetInSeconds: 0 };
  }

  // No await before the update: one event-loop turn, so the increment is atomic within the process.
  async increment(key: string, windowSeconds: number): Promise<AttemptWindow> {
    const window = this.#live(key);
    if (window) {
      window.count += 1;
      return this.#view(window);
    }
    if (this.#windows.size >= this.#maxKeys) this.#evict();
    const opened = { count: 1, resetAtMs: this.#clock() + windowSeconds * 1000 };
    this.#windows.set(key, opened);
    return this.#view(opened);
  }

  async decrement(key: string): Promise<void> {
    const window = this.#live(key);
    if (window === undefined) return;
    window.count -= 1;
    if (window.count <= 0) this.#windows.delete(key);
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  #view(window: { count: number; resetAtMs: number }): AttemptWindow {
    return { count: window.count, resetInSeconds: Math.max(1, Math.ceil((window.resetAtMs - this.#clock()) / 1000)) };
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

/** An attempt `admit` counted as a failure: it stays one unless settled otherwise once the secret was checked. */
export interface AdmittedAttempt {
  /** The secret was right: the account's failures are cleared, and this attempt no longer counts for the address. */
  succeeded(): Promise<void>;
  /** The secret could not be checked (the store failed): this attempt counts for nothing. */
  abandoned(): Promise<void>;
}

export class BruteForceGuard {
  readonly #counter: AttemptCounter;
  readonly #limits: BruteForceLimits;
  readonly #sleep: Sleep;

  constructor(counter: AttemptCounter, limits: BruteForceLimits, sleep: Sleep = realSleep) {
    this.#counter = counter;
    this.#limits = limits;
    this.#sleep = sleep;
  }

  /**
   * Counts the attempt as a failure before its secret is checked, then refuses it (uncounted again) past
   * `blockAfter`, or waits out the delay the failures before it earned. Of N concurrent attempts at most
   * `blockAfter` get past this, however they interleave: each increment returns a count no other one saw.
   */
  async admit(subject: AttemptSubject): Promise<AdmittedAttempt> {
    const keys = this.#keys(subject);
    const windowSeconds = this.#limits.windowSeconds;
    const counted = await Promise.all(
      keys.map(async ({ key, limit }) => ({ limit, window: await this.#counter.increment(key, windowSeconds) })),
    );
    let delayMs = 0;
    try {
      for (const { window, limit } of counted) delayMs = Math.max(delayMs, this.#verdict(window, limit));
    } catch (error) {
      // Refused before any check: a refusal is not a failed guess, and must not lock out the address.
      await this.#uncount(keys);
      throw error;
    }
    if (delayMs > 0) await this.#sleep(delayMs);
    return {
      succeeded: async () => {
        await Promise.all([this.succeeded(subject), this.#counter.decrement(`address:${subject.address}`)]);
      },
      abandoned: () => this.#uncount(keys),
    };
  }

  /**
   * Refuses a blocked subject without counting anything: for a secret checked without argon2 (a remembered
   * client secret), whose wrong guesses are then counted by `admit` before the answer goes out.
   */
  async check(subject: AttemptSubject): Promise<void> {
    const read = await Promise.all(
      this.#keys(subject).map(async ({ key, limit }) => ({ limit, window: await this.#counter.get(key) })),
    );
    for (const { window, limit } of read) {
      if (window.count >= limit.blockAfter) throw new TooManyAttempts(window.resetInSeconds);
    }
  }

  /** A success clears the account's count (not the address's: one good password must not unlock a spray). */
  async succeeded(subject: AttemptSubject): Promise<void> {
    if (subject.account !== undefined) await this.#counter.reset(`account:${subject.account}`);
  }

  #keys(subject: AttemptSubject): { key: string; limit: AttemptLimit }[] {
    const keys = [{ key: `address:${subject.address}`, limit: this.#limits.address }];
    if (subject.account !== undefined) keys.push({ key: `account:${subject.account}`, limit: this.#limits.account });
    return keys;
  }

  async #uncount(keys: readonly { key: string }[]): Promise<void> {
    await Promise.all(keys.map(({ key }) => this.#counter.decrement(key)));
  }

  /** `window.count` includes the attempt being judged: the failures before it are one fewer. */
  #verdict(window: AttemptWindow, limit: AttemptLimit): number {
    if (window.count > limit.blockAfter) throw new TooManyAttempts(window.resetInSeconds);
    if (window.count <= limit.slowAfter) return 0;
    return Math.min(this.#limits.maxDelayMs, this.#limits.delayStepMs * (window.count - limit.slowAfter));
  }
}
