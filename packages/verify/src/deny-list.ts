/**
 * Revoked token ids (`jti`) with the token's `exp`. An entry is only needed until validation would refuse the token
 * anyway (its `exp` plus the clock leeway), so the list stays as small as the set of revoked tokens still alive.
 */

/** How often `add` sweeps out expired entries, at most. */
const SWEEP_INTERVAL_MS = 60_000;

export class DenyList {
  readonly #now: () => number;
  readonly #leewayMs: number;
  /** jti -> exp in epoch seconds. */
  readonly #expiries = new Map<string, number>();
  #lastSweepAtMs = Number.NEGATIVE_INFINITY;

  /** `leewaySeconds`: the validation's clock tolerance; a revoked token must stay denied for as long as it passes. */
  constructor(now: () => number, leewaySeconds = 0) {
    this.#now = now;
    this.#leewayMs = leewaySeconds * 1000;
  }

  get size(): number {
    return this.#expiries.size;
  }

  /** Records a revocation; one for a token already expired is not worth remembering. */
  add(jti: string, expSeconds: number): void {
    const nowMs = this.#now();
    if (nowMs - this.#lastSweepAtMs >= SWEEP_INTERVAL_MS) this.purgeExpired();
    if (this.#isOver(expSeconds, nowMs)) return;
    this.#expiries.set(jti, expSeconds);
  }

  has(jti: string): boolean {
    return this.#expiries.has(jti);
  }

  /** Drops entries whose token has expired; returns how many went. */
  purgeExpired(): number {
    const nowMs = this.#now();
    this.#lastSweepAtMs = nowMs;
    let purged = 0;
    for (const [jti, expSeconds] of this.#expiries) {
      if (this.#isOver(expSeconds, nowMs)) {
        this.#expiries.delete(jti);
        purged++;
      }
    }
    return purged;
  }

  #isOver(expSeconds: number, nowMs: number): boolean {
    return expSeconds * 1000 + this.#leewayMs <= nowMs;
  }
}
