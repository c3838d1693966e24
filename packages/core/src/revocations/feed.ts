/**
 * The source of the revocation stream (the server publishes it at GET /revocations; the verify SDK and the
 * gateway subscribe). A subscriber first gets every still-live revocation after the sequence it already
 * has (the snapshot, paged), then `onReady`, then each new revocation in sequence order.
 *
 * Revocations are written by this process (POST /revoke, a replayed refresh token) but also by the CLI or
 * another node on the same database, which no in-process event can see. So the feed polls the store while
 * anyone listens, and `poke()` sends this process's own writes out without waiting for the next poll.
 *
 * Delivery rule: one poll loop serves every live subscriber, reading from the lowest position among them;
 * each subscriber only receives records past its own position, so a subscriber that went live while a poll
 * was running, or resumed from an odd position, can neither miss nor repeat an event. This relies on the
 * store handing out sequences in commit order, which SQLite's single writer guarantees.
 */
import { type Clock, epochSeconds, systemClock } from '../clock.js';
import type { RevocationStore } from '../storage.js';

export interface RevocationEvent {
  /** The store's monotonic sequence: the stream's event id, from which a subscriber resumes. */
  sequence: number;
  jti: string;
  /** Epoch seconds; after it the token is dead anyway and verifiers may forget the jti. */
  expiresAt: number;
}

export type RevocationListener = (event: RevocationEvent) => void;

/** The timer functions the poll loop uses, injectable so tests drive the loop by hand. */
export interface FeedTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface RevocationFeedOptions {
  clock?: Clock;
  timers?: FeedTimers;
  /** How often the store is polled while anyone is subscribed. Default 250 ms: other writers reach subscribers within 1 s. */
  pollIntervalMs?: number;
  /** Records read per store query, for the snapshot and for polls. Default 500. */
  pageSize?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_PAGE_SIZE = 500;

const systemTimers: FeedTimers = {
  setInterval(callback, ms) {
    const timer = setInterval(callback, ms);
    // Polling serves open streams; it must never be what keeps a process alive.
    timer.unref();
    return timer;
  },
  clearInterval(handle) {
    clearInterval(handle as ReturnType<typeof setInterval>);
  },
};

interface Subscriber {
  /** Sequence of the last event delivered (or the position it resumed from). */
  position: number;
  /** Snapshot delivered: the poll loop serves it from now on. */
  live: boolean;
  active: boolean;
  listener: RevocationListener;
  onReady: () => void;
  onError: ((error: unknown) => void) | undefined;
}

export class RevocationFeed {
  readonly #store: Pick<RevocationStore, 'listSince'>;
  readonly #clock: Clock;
  readonly #timers: FeedTimers;
  readonly #pollIntervalMs: number;
  readonly #pageSize: number;
  readonly #subscribers = new Set<Subscriber>();
  #timer: unknown;
  #polling = false;
  #pollAgain = false;

  constructor(store: Pick<RevocationStore, 'listSince'>, options: RevocationFeedOptions = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    this.#pollIntervalMs = positiveInteger(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, 'pollIntervalMs');
    this.#pageSize = positiveInteger(options.pageSize ?? DEFAULT_PAGE_SIZE, 'pageSize');
  }

  /** Open subscriptions, snapshot still loading included. */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /**
   * Delivers every live revocation with a sequence above `afterSequence` (0: all), then calls `onReady`,
   * then delivers new revocations as they are written. A failure of the store (or a throwing listener) ends
   * the subscription and is passed to `onError`. Returns the function that ends it.
   */
  subscribe(
    afterSequence: number,
    listener: RevocationListener,
    onReady: () => void,
    onError?: (error: unknown) => void,
  ): () => void {
    if (!Number.isSafeInteger(afterSequence) || afterSequence < 0) {
      throw new TypeError('afterSequence must be a non-negative integer');
    }
    const subscriber: Subscriber = { position: afterSequence, live: false, active: true, listener, onReady, onError };
    this.#subscribers.add(subscriber);
    this.#startPolling();
    void this.#deliverSnapshot(subscriber);
    return () => this.#remove(subscriber);
  }

  /** Polls now: call after writing a revocation so subscribers see it at once. */
  poke(): void {
    void this.#poll();
  }

  /** Ends every subscription (without calling their onError) and stops polling. */
  stop(): void {
    for (const subscriber of this.#subscribers) subscriber.active = false;
    this.#subscribers.clear();
    this.#stopPolling();
  }

  async #deliverSnapshot(subscriber: Subscriber): Promise<void> {
    try {
      let page: readonly { sequence: number; jti: string; expiresAt: number }[];
      do {
        page = await this.#store.listSince(subscriber.position, epochSeconds(this.#clock), this.#pageSize);
        for (const record of page) {
          if (!this.#deliver(subscriber, record)) return;
        }
        if (!subscriber.active) return;
      } while (page.length === this.#pageSize);
      subscriber.live = true;
      subscriber.onReady();
    } catch (error) {
      this.#fail(subscriber, error);
      return;
    }
    // Records written while the last page was being read are fetched by the poll loop, from this position.
    this.poke();
  }

  async #poll(): Promise<void> {
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#pollAgain = false;
        await this.#pollRound();
      } while (this.#pollAgain);
    } finally {
      this.#polling = false;
    }
  }

  /** One read of everything past the lowest live position, handed to the subscribers live when it began. */
  async #pollRound(): Promise<void> {
    const participants = [...this.#subscribers].filter((subscriber) => subscriber.live);
    if (participants.length === 0) return;
    let cursor = Math.min(...participants.map((subscriber) => subscriber.position));
    try {
      for (;;) {
        const page = await this.#store.listSince(cursor, epochSeconds(this.#clock), this.#pageSize);
        for (const record of page) {
          for (const subscriber of participants) this.#deliver(subscriber, record);
          cursor = record.sequence;
        }
        if (page.length < this.#pageSize) return;
      }
    } catch (error) {
      // A stream that silently stopped hearing would look healthy to verifiers; ending it lets them
      // notice, reconnect and resume from their last event id.
      for (const subscriber of participants) this.#fail(subscriber, error);
    }
  }

  /** Returns false once the subscriber is gone. */
  #deliver(subscriber: Subscriber, record: { sequence: number; jti: string; expiresAt: number }): boolean {
    if (!subscriber.active) return false;
    if (record.sequence <= subscriber.position) return true;
    subscriber.position = record.sequence;
    try {
      subscriber.listener({ sequence: record.sequence, jti: record.jti, expiresAt: record.expiresAt });
    } catch (error) {
      this.#fail(subscriber, error);
      return false;
    }
    return subscriber.active;
  }

  #fail(subscriber: Subscriber, error: unknown): void {
    if (!subscriber.active) return;
    this.#remove(subscriber);
    try {
      subscriber.onError?.(error);
    } catch {
      // onError must not throw; if it does, the poll loop still has other subscribers to serve.
    }
  }

  #remove(subscriber: Subscriber): void {
    subscriber.active = false;
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size === 0) this.#stopPolling();
  }

  #startPolling(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.setInterval(() => this.poke(), this.#pollIntervalMs);
  }

  #stopPolling(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer`);
  return value;
}
