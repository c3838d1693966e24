/**
 * DPoP proof replay detection (RFC 9449 11.1): each proof's `jti` is remembered for as long as the proof would be
 * accepted, and a proof seen before is refused. The key is the `replayKey` of @tollgate/jwt's verifyDpopProof (a
 * SHA-256 over the key thumbprint and `jti`), its expiry that proof's `replayUntilMs`.
 *
 * In-process here, shared by the token endpoint (which binds tokens to a proof's key) and every verifier;
 * @tollgate/redis shares one cache between nodes (createRedisDpopReplayCache), falling back to an in-process one while
 * Redis is unreachable.
 */

export interface DpopReplayCache {
  /**
   * Remembers `key` until `expiresAtMs` (epoch milliseconds) and answers true the first time; answers false while
   * the key is remembered. Atomic: of concurrent calls with one key, exactly one gets true. False also when the
   * key cannot be remembered (a full in-process cache): accepting a proof that is not remembered would let its
   * replay through, so the caller refuses either way.
   */
  checkAndRemember(key: string, expiresAtMs: number): Promise<boolean>;
}

export interface MemoryDpopReplayCacheOptions {
  /** Keys held at most: an ES256 proof costs a client one signature, so a flood must not grow the process. */
  maxEntries?: number;
  /** Epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
/** Expired keys are dropped at most this often, so memory follows the keys still in their window. */
const SWEEP_INTERVAL_MS = 30_000;
/** Replay keys are base64url SHA-256 digests (43 characters); anything much longer is a caller mistake. */
const MAX_KEY_LENGTH = 128;

/** A caller passing something that is not a key and an expiry is a programming error. */
function assertReplayEntry(key: unknown, expiresAtMs: unknown): void {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`a replay key must be a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) {
    throw new TypeError('expiresAtMs must be a finite number of epoch milliseconds');
  }
}

/**
 * The in-process DpopReplayCache: a single verifier's, and each gateway's fallback while Redis is unreachable. No
 * `await` before its update, so each call runs in one event-loop turn and is atomic within the process.
 */
export class MemoryDpopReplayCache implements DpopReplayCache {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  #lastSweepMs: number;
  /** When full: no key expires before this, so sweeping earlier would free nothing. */
  #nothingExpiresBeforeMs = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryDpopReplayCacheOptions = {}) {
    const { maxEntries = DEFAULT_MAX_ENTRIES } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('options.maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
    this.#lastSweepMs = this.#now();
  }

  async checkAndRemember(key: string, expiresAtMs: number): Promise<boolean> {
    assertReplayEntry(key, expiresAtMs);
    const nowMs = this.#now();
    if (nowMs - this.#lastSweepMs >= SWEEP_INTERVAL_MS) this.#sweep(nowMs);
    const known = this.#expiries.get(key);
    if (known !== undefined && known > nowMs) return false;
    // Already outside its window: nothing to remember (the proof itself is refused as stale).
    if (expiresAtMs <= nowMs) return true;
    if (known === undefined && this.#expiries.size >= this.#maxEntries && !this.#makeRoom(nowMs)) return false;
    this.#expiries.set(key, expiresAtMs);
    return true;
  }

  /** Keys held, expired ones included until the next sweep (for tests and metrics). */
  get size(): number {
    return this.#expiries.size;
  }

  /** Full: expired keys go, and only those; a live key dropped early would be a replay let through. */
  #makeRoom(nowMs: number): boolean {
    if (nowMs < this.#nothingExpiresBeforeMs) return false;
    this.#sweep(nowMs);
    return this.#expiries.size < this.#maxEntries;
  }

  #sweep(nowMs: number): void {
    this.#lastSweepMs = nowMs;
    let earliestMs = Number.POSITIVE_INFINITY;
    for (const [key, expiresAtMs] of this.#expiries) {
      if (expiresAtMs <= nowMs) this.#expiries.delete(key);
      else if (expiresAtMs < earliestMs) earliestMs = expiresAtMs;
    }
    this.#nothingExpiresBeforeMs = earliestMs;
  }
}
