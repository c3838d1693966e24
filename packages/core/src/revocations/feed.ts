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
 * store handing out sequences in commit order: SQLite's single writer guarantees it, and the PostgreSQL store
 * takes a transaction-level advisory lock around every revocation insert (store-sql postgres/advisory-locks.ts).
 *
 * Every subscription belongs to an epoch (see event-id.ts). Each poll first checks that the store has not
 * gone backwards under the newest record this feed read (a restored backup): if it has, the feed mints a
 * new epoch (compare-and-set, so nodes noticing at once agree on one). Subscriptions of any epoch but the
 * current one are ended with RevocationEpochChanged; their verifiers reconnect and get a full resync.
 *
 * A poll the store fails (the database blinked) ends no subscription: each keeps its position, hears no
 * `onSynced` until a poll succeeds again, and then gets everything written meanwhile in that same round. Ending
 * them would send every verifier into its reconnect backoff, which outlasts a short outage by seconds, and a
 * revocation written just after the store came back would wait for that backoff rather than for the next poll.
 * A subscriber tells "nothing new" from "could not look" by the missing `onSynced` (the stream stops pinging).
 */
import { type Clock, epochSeconds, systemClock } from '../clock.js';
import type { RevocationRecord, RevocationStore } from '../storage/index.js';
import { formatEventId, type ResumePoint } from './event-id.js';
import { planResume, type ResumePlan } from './resume.js';

export interface RevocationEvent {
  /** The stream's event id, `<epoch>.<sequence>.<tag>`: what a subscriber resumes from. */
  id: string;
  epoch: string;
  /** The store's monotonic sequence within the epoch. */
  sequence: number;
  jti: string;
  /** Epoch seconds; after it the token is dead anyway and verifiers may forget the jti. */
  expiresAt: number;
}

export type RevocationListener = (event: RevocationEvent) => void;

/** Where a subscription starts: after `afterSequence` (0: everything live) of `epoch`. */
export interface FeedPosition {
  epoch: string;
  afterSequence: number;
}

/** Ends a subscription whose epoch is no longer the store's: its subscriber must reconnect and resync. */
export class RevocationEpochChanged extends Error {
  readonly epoch: string;
  constructor(epoch: string) {
    super('The revocation epoch changed (the store was restored); reconnect to resync');
    this.name = 'RevocationEpochChanged';
    this.epoch = epoch;
  }
}

/** What the feed needs of the store. */
export type FeedStore = Pick<RevocationStore, 'listSince' | 'position' | 'recordAt' | 'replaceEpoch'>;

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
  epoch: string;
  /** Sequence of the last event delivered (or the position it resumed from). */
  position: number;
  /** Snapshot delivered: the poll loop serves it from now on. */
  live: boolean;
  active: boolean;
  listener: RevocationListener;
  onReady: () => void;
  onError: ((error: unknown) => void) | undefined;
  onSynced: ((point: number) => void) | undefined;
}

/** The newest record read in the current epoch: what a store restored from a backup would have lost. */
interface Anchor {
  sequence: number;
  jti: string;
  expiresAt: number;
}

export class RevocationFeed {
  readonly #store: FeedStore;
  readonly #clock: Clock;
  readonly #timers: FeedTimers;
  readonly #pollIntervalMs: number;
  readonly #pageSize: number;
  readonly #subscribers = new Set<Subscriber>();
  #timer: unknown;
  #polling = false;
  #pollAgain = false;
  /** The store's epoch as of the last poll. */
  #epoch: string | undefined;
  #anchor: Anchor | undefined;
  /** Store reads begun so far (snapshot pages and poll rounds): see syncPoint. */
  #readsBegun = 0;

  constructor(store: FeedStore, options: RevocationFeedOptions = {}) {
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
   * The number of the latest store read the feed has begun. A subscriber's `onSynced(point)` says that every
   * revocation committed before read `point` began has been delivered to it; so once it reports a point above the
   * syncPoint read just after a write, that write has reached it (deny-list.ts relies on this).
   */
  get syncPoint(): number {
    return this.#readsBegun;
  }

  /** Where a verifier that stopped at `point` resumes: after its last event, or from scratch (resume.ts). */
  resumePlan(point: ResumePoint): Promise<ResumePlan> {
    return planResume(this.#store, point);
  }

  /**
   * Delivers every live revocation of `from.epoch` with a sequence above `from.afterSequence` (0: all),
   * then calls `onReady`, then delivers new revocations as they are written. A failed snapshot read, a
   * throwing listener or a new epoch (RevocationEpochChanged) ends the subscription and is passed to `onError`;
   * a failed poll does not (see the top of this file). `onSynced` follows `onReady` and every poll round the
   * subscriber took part in that read the store to its end (see syncPoint).
   * Returns the function that ends it.
   */
  subscribe(
    from: FeedPosition,
    listener: RevocationListener,
    onReady: () => void,
    onError?: (error: unknown) => void,
    onSynced?: (point: number) => void,
  ): () => void {
    const { epoch, afterSequence } = from;
    if (!Number.isSafeInteger(afterSequence) || afterSequence < 0) {
      throw new TypeError('afterSequence must be a non-negative integer');
    }
    if (typeof epoch !== 'string' || epoch === '') throw new TypeError('epoch must be a non-empty string');
    const subscriber: Subscriber = {
      epoch,
      position: afterSequence,
      live: false,
      active: true,
      listener,
      onReady,
      onError,
      onSynced,
    };
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
      let page: readonly RevocationRecord[];
      let point: number;
      do {
        point = ++this.#readsBegun;
        page = await this.#store.listSince(subscriber.position, epochSeconds(this.#clock), this.#pageSize);
        for (const record of page) {
          this.#remember(subscriber.epoch, record);
          if (!this.#deliver(subscriber, record)) return;
        }
        if (!subscriber.active) return;
      } while (page.length === this.#pageSize);
      subscriber.live = true;
      subscriber.onReady();
      this.#synced(subscriber, point);
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
    const point = ++this.#readsBegun;
    try {
      const epoch = await this.#currentEpoch();
      this.#endOtherEpochs(epoch);
      const current = participants.filter((subscriber) => subscriber.active);
      if (current.length === 0) return;
      let cursor = Math.min(...current.map((subscriber) => subscriber.position));
      for (;;) {
        const page = await this.#store.listSince(cursor, epochSeconds(this.#clock), this.#pageSize);
        for (const record of page) {
          this.#remember(epoch, record);
          for (const subscriber of current) this.#deliver(subscriber, record);
          cursor = record.sequence;
        }
        if (page.length < this.#pageSize) break;
      }
      for (const subscriber of current) this.#synced(subscriber, point);
    } catch {
      // No onSynced this round: that is how subscribers learn the store could not be read (see the top of this
      // file). Their positions stand, so the next round that succeeds delivers what they missed.
    }
  }

  /**
   * The store's epoch, after checking that the store has not gone backwards under the newest record this
   * feed read; if it has, a new epoch (the one another node minted first, if so).
   */
  async #currentEpoch(): Promise<string> {
    const { epoch, highestSequence } = await this.#store.position();
    const anchor = this.#anchor;
    if (epoch !== this.#epoch || anchor === undefined || !(await this.#rewound(anchor, highestSequence))) {
      if (epoch !== this.#epoch) this.#anchor = undefined;
      this.#epoch = epoch;
      return epoch;
    }
    this.#anchor = undefined;
    this.#epoch = await this.#store.replaceEpoch(epoch);
    return this.#epoch;
  }

  async #rewound(anchor: Anchor, highestSequence: number): Promise<boolean> {
    if (highestSequence < anchor.sequence) return true;
    const record = await this.#store.recordAt(anchor.sequence);
    // Purging takes only expired records, so a live one that is gone went with a restore.
    if (record === undefined) return anchor.expiresAt > epochSeconds(this.#clock);
    return record.jti !== anchor.jti;
  }

  #remember(epoch: string, record: RevocationRecord): void {
    // Before the first poll the subscription's epoch is the best knowledge; the poll corrects it.
    this.#epoch ??= epoch;
    if (epoch !== this.#epoch) return;
    if (this.#anchor !== undefined && this.#anchor.sequence >= record.sequence) return;
    this.#anchor = { sequence: record.sequence, jti: record.jti, expiresAt: record.expiresAt };
  }

  #endOtherEpochs(epoch: string): void {
    for (const subscriber of [...this.#subscribers]) {
      if (subscriber.epoch !== epoch) this.#fail(subscriber, new RevocationEpochChanged(epoch));
    }
  }

  /** Returns false once the subscriber is gone. */
  #deliver(subscriber: Subscriber, record: RevocationRecord): boolean {
    if (!subscriber.active) return false;
    if (record.sequence <= subscriber.position) return true;
    subscriber.position = record.sequence;
    const { sequence, jti, expiresAt } = record;
    try {
      subscriber.listener({
        id: formatEventId(subscriber.epoch, sequence, jti),
        epoch: subscriber.epoch,
        sequence,
        jti,
        expiresAt,
      });
    } catch (error) {
      this.#fail(subscriber, error);
      return false;
    }
    return subscriber.active;
  }

  #synced(subscriber: Subscriber, point: number): void {
    if (!subscriber.active) return;
    try {
      subscriber.onSynced?.(point);
    } catch (error) {
      this.#fail(subscriber, error);
    }
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
