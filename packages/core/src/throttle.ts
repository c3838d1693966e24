/**
 * Brute-force protection for the token endpoint: failed logins and failed client authentications are
 * counted per username (or client id) and per address in a fixed window. Past `slowAfter` failures each
 * attempt is delayed a little more; past `blockAfter` it is refused (429, `Retry-After`) until the window ends.
 *
 * An attempt is counted as a failure before its secret is checked, by an atomic increment that returns the new
 * count, and refunded once the secret turns out right. Reading the count first and adding to it after the check
 * (check-then-act) let every one of N concurrent guesses pass a check made before any of them was counted.
 *
 * The counts live in a WindowCounter (@tollgate/window-counter): in process by default, on Redis
 * (@tollgate/redis) when several nodes must agree.
 */
import type { WindowCount, WindowCounter } from '@tollgate/window-counter';
import { type Clock, systemClock } from './clock.js';
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

/**
 * Told of what the guard refuses, for metrics and alerts. `lockedOut` comes with the first refusal of a key in its
 * window, once per window on this node (with shared counters, each node that refuses tells its own).
 */
export interface BruteForceObserver {
  refused(): void;
  lockedOut(lockout: { kind: 'account' | 'address'; subject: string; address: string; untilMs: number }): void;
}

/**
 * The longest account name counted as itself. The name is whatever the request said (a username or client id, up to the
 * body limit); no account has a longer one, so longer ones share their first characters' counter, and neither the
 * counters, the lockouts remembered here nor the audit line of a lockout hold an attacker's megabyte.
 */
export const MAX_COUNTED_ACCOUNT_LENGTH = 300;

/** Keys remembered as announced; past it the oldest are forgotten (and may be announced again). */
const MAX_ANNOUNCED_LOCKOUTS = 10_000;

/** A subject `check` let through: its success clears what there is to clear. */
export interface CheckedAttempt {
  succeeded(): Promise<void>;
}

export class BruteForceGuard {
  readonly #counter: WindowCounter;
  readonly #limits: BruteForceLimits;
  readonly #sleep: Sleep;
  readonly #clock: Clock;
  readonly #observer: BruteForceObserver | undefined;
  /** Key -> end of the window its lockout was announced for. */
  readonly #announced = new Map<string, number>();

  constructor(
    counter: WindowCounter,
    limits: BruteForceLimits,
    sleep: Sleep = realSleep,
    clock: Clock = systemClock,
    observer?: BruteForceObserver,
  ) {
    this.#counter = counter;
    this.#limits = limits;
    this.#sleep = sleep;
    this.#clock = clock;
    this.#observer = observer;
  }

  /**
   * Counts the attempt as a failure before its secret is checked, then refuses it (uncounted again) past
   * `blockAfter`, or waits out the delay the failures before it earned. Of N concurrent attempts at most
   * `blockAfter` get past this, however they interleave: each increment returns a count no other one saw.
   */
  async admit(subject: AttemptSubject): Promise<AdmittedAttempt> {
    const keys = this.#keys(subject);
    const windowMs = this.#limits.windowSeconds * 1000;
    const counted = await Promise.all(
      keys.map(async ({ key, limit }) => ({ limit, window: await this.#counter.hit(key, windowMs) })),
    );
    let delayMs = 0;
    try {
      for (const [index, { window, limit }] of counted.entries()) {
        delayMs = Math.max(delayMs, this.#verdict(window, limit, keys[index]?.key ?? '', subject));
      }
    } catch (error) {
      // Refused before any check: a refusal is not a failed guess, and must not lock out the address.
      await this.#uncount(keys);
      throw error;
    }
    if (delayMs > 0) await this.#sleep(delayMs);
    return {
      succeeded: async () => {
        await Promise.all([this.succeeded(subject), this.#counter.takeBack(`address:${subject.address}`)]);
      },
      abandoned: () => this.#uncount(keys),
    };
  }

  /**
   * Refuses a blocked subject without counting anything: for a secret checked without argon2 (a remembered
   * client secret), whose wrong guesses are then counted by `admit` before the answer goes out. Its success
   * resets the account only when the check saw failures there: this path runs on every authentication of a
   * client, and an account with nothing counted must not cost a write (a Redis DEL) each time.
   */
  async check(subject: AttemptSubject): Promise<CheckedAttempt> {
    const keys = this.#keys(subject);
    // Read at once, each without an async wrapper of its own: this runs at every authentication of a client.
    const windows = await Promise.all(keys.map(({ key }) => this.#counter.peek(key)));
    let failures = 0;
    keys.forEach(({ key, limit }, index) => {
      const window = windows[index] as (typeof windows)[number];
      if (window.count >= limit.blockAfter) throw this.#refusal(key, window, subject);
      if (key.startsWith('account:')) failures = window.count;
    });
    return { succeeded: () => (failures > 0 ? this.succeeded(subject) : Promise.resolve()) };
  }

  /** A success clears the account's count (not the address's: one good password must not unlock a spray). */
  async succeeded(subject: AttemptSubject): Promise<void> {
    const account = boundedAccount(subject);
    if (account !== undefined) await this.#counter.reset(`account:${account}`);
  }

  #keys(subject: AttemptSubject): { key: string; limit: AttemptLimit }[] {
    const keys = [{ key: `address:${subject.address}`, limit: this.#limits.address }];
    const account = boundedAccount(subject);
    if (account !== undefined) keys.push({ key: `account:${account}`, limit: this.#limits.account });
    return keys;
  }

  async #uncount(keys: readonly { key: string }[]): Promise<void> {
    await Promise.all(keys.map(({ key }) => this.#counter.takeBack(key)));
  }

  #secondsLeft(window: WindowCount): number {
    return Math.max(1, Math.ceil((window.resetAtMs - this.#clock()) / 1000));
  }

  /** `window.count` includes the attempt being judged: the failures before it are one fewer. */
  #verdict(window: WindowCount, limit: AttemptLimit, key: string, subject: AttemptSubject): number {
    if (window.count > limit.blockAfter) throw this.#refusal(key, window, subject);
    if (window.count <= limit.slowAfter) return 0;
    return Math.min(this.#limits.maxDelayMs, this.#limits.delayStepMs * (window.count - limit.slowAfter));
  }

  #refusal(key: string, window: WindowCount, subject: AttemptSubject): TooManyAttempts {
    this.#observer?.refused();
    if (this.#observer !== undefined && this.#announced.get(key) !== window.resetAtMs) {
      if (this.#announced.size >= MAX_ANNOUNCED_LOCKOUTS)
        this.#announced.delete(this.#announced.keys().next().value ?? '');
      this.#announced.set(key, window.resetAtMs);
      const kind = key.startsWith('account:') ? 'account' : 'address';
      const subjectName = kind === 'account' ? (boundedAccount(subject) ?? '') : subject.address;
      this.#observer.lockedOut({ kind, subject: subjectName, address: subject.address, untilMs: window.resetAtMs });
    }
    return new TooManyAttempts(this.#secondsLeft(window));
  }
}

function boundedAccount(subject: AttemptSubject): string | undefined {
  return subject.account?.slice(0, MAX_COUNTED_ACCOUNT_LENGTH);
}
