/**
 * The revocation list in memory, so that introspecting a JWT access token (RFC 7662) reads nothing from the store
 * when its signature, its expiry and this list decide it. It follows the revocation feed as any verifier does
 * (snapshot, then every new revocation), and says "not revoked" only while that is known:
 * - the subscription is live, and its last store read completed at most `maxStalenessMs` ago (a store that stopped
 *   answering must not leave an old list in charge);
 * - a store read begun after this process's latest revocation has completed (`noteWrite`), so a token revoked here
 *   is inactive here the moment its revocation was acknowledged;
 * - a nudge from another node (`noteWrite` too, from the revocation signal) likewise waits for the next read.
 * Otherwise the caller asks the store, as before. Other nodes' revocations arrive within the feed's poll interval
 * (250 ms), at once with the signal: the deadline every verifier already keeps.
 *
 * A jti once seen stays revoked until its token has expired, even across a new epoch (a restored store): the list
 * only ever grows, as a verifier's does.
 */
import type { RevocationStore } from '../storage/index.js';
import type { RevocationFeed } from './feed.js';

export const DEFAULT_MAX_STALENESS_MS = 1000;
/** Expired entries are dropped at most this often: a sweep walks the whole list. */
const PRUNE_INTERVAL_SECONDS = 60;

export interface DenyListOptions {
  /** Epoch milliseconds: when a listed token has expired (the clock tokens are judged by). */
  clock: () => number;
  /** Monotonic milliseconds, for the staleness bound; performance.now by default. */
  monotonicNow?: () => number;
  maxStalenessMs?: number;
}

export class DenyList {
  readonly #feed: Pick<RevocationFeed, 'subscribe' | 'syncPoint'>;
  readonly #store: Pick<RevocationStore, 'position'>;
  readonly #clock: () => number;
  readonly #monotonicNow: () => number;
  readonly #maxStalenessMs: number;
  /** jti → its token's expiry (epoch seconds). */
  readonly #expiries = new Map<string, number>();
  #state: 'idle' | 'starting' | 'live' | 'stopped' = 'idle';
  #unsubscribe: (() => void) | undefined;
  #syncedPoint = -1;
  #syncedAtMs = Number.NEGATIVE_INFINITY;
  #writtenAtPoint = 0;
  #prunedAtSeconds = 0;

  constructor(
    feed: Pick<RevocationFeed, 'subscribe' | 'syncPoint'>,
    store: Pick<RevocationStore, 'position'>,
    options: DenyListOptions,
  ) {
    this.#feed = feed;
    this.#store = store;
    this.#clock = options.clock;
    this.#monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.#maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
  }

  /**
   * True: the jti is revoked. False: it is not, as far as the store knew a moment ago. Undefined: memory cannot
   * tell (not following the feed yet, or not since the latest write); ask the store. The first call starts following.
   */
  verdict(jti: string): boolean | undefined {
    if (this.#expiries.has(jti)) return true;
    if (this.#state === 'idle') this.#start();
    return this.#current() ? false : undefined;
  }

  /** A revocation was written (here, or another node said so): memory waits for the store read that follows it. */
  noteWrite(): void {
    this.#writtenAtPoint = this.#feed.syncPoint;
  }

  /** Ends the subscription for good. Idempotent. */
  stop(): void {
    this.#state = 'stopped';
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #current(): boolean {
    return (
      this.#state === 'live' &&
      this.#syncedPoint > this.#writtenAtPoint &&
      this.#monotonicNow() - this.#syncedAtMs <= this.#maxStalenessMs
    );
  }

  #start(): void {
    this.#state = 'starting';
    this.#store.position().then(
      ({ epoch }) => {
        if (this.#state !== 'starting') return;
        this.#unsubscribe = this.#feed.subscribe(
          { epoch, afterSequence: 0 },
          (event) => this.#expiries.set(event.jti, event.expiresAt),
          () => this.#live(),
          () => this.#ended(),
          (point) => this.#synced(point),
        );
      },
      () => this.#ended(),
    );
  }

  #live(): void {
    if (this.#state === 'starting') this.#state = 'live';
  }

  /** The store failed or the epoch changed: ask the store until the next call subscribes again. */
  #ended(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'idle';
    this.#unsubscribe = undefined;
    this.#syncedPoint = -1;
  }

  #synced(point: number): void {
    this.#syncedPoint = point;
    this.#syncedAtMs = this.#monotonicNow();
    this.#pruneNowAndThen();
  }

  /** Callers ask only about tokens that have not expired, so an entry past its expiry can never answer again. */
  #pruneNowAndThen(): void {
    const nowSeconds = Math.floor(this.#clock() / 1000);
    if (nowSeconds - this.#prunedAtSeconds < PRUNE_INTERVAL_SECONDS) return;
    this.#prunedAtSeconds = nowSeconds;
    for (const [jti, expiresAt] of this.#expiries) if (expiresAt <= nowSeconds) this.#expiries.delete(jti);
  }
}
