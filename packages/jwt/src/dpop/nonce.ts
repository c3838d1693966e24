/**
 * Server-provided DPoP nonces (RFC 9449 8 and 9), stateless: a nonce is an HMAC of the current time slot under a
 * server secret, so every node holding the secret issues the same nonce and accepts the others' without shared
 * state. A nonce is accepted in its own slot and the next one, so one lives between one and two periods; a client
 * learns the next nonce from the `DPoP-Nonce` header of any answer (8.2) or from a `use_dpop_nonce` refusal.
 *
 * Nonce values must be unpredictable (8): without the secret, no one can compute a slot's HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DpopNonceOptions {
  /** At least 32 random bytes, the same on every node that must accept the others' nonces. */
  secret: Uint8Array;
  /**
   * What the nonces are for, say `token` or an API's identifier: nonces of one context never pass in another, as
   * RFC 9449 9 wants authorization-server and resource-server nonces kept apart.
   */
  context: string;
  /** Length of a slot in seconds. Default 60; clamped to [10, 3600]. Nodes' clocks must agree well within it. */
  periodSeconds?: number;
  /** Epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: () => number;
}

export interface DpopNonces {
  /** The nonce to hand out now (`DPoP-Nonce`). */
  current(): string;
  /** Whether a proof's `nonce` is this slot's or the previous slot's. */
  accepts(nonce: string): boolean;
}

const MIN_SECRET_BYTES = 32;
const DEFAULT_PERIOD_SECONDS = 60;
const MIN_PERIOD_SECONDS = 10;
const MAX_PERIOD_SECONDS = 3600;
/** A base64url HMAC-SHA256: 43 characters of the RFC 9449 8.1 NQCHAR set. */
const NONCE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function checkedOptions(options: DpopNonceOptions): { secret: Buffer; context: string; periodMs: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { secret, context, periodSeconds = DEFAULT_PERIOD_SECONDS } = options;
  if (!(secret instanceof Uint8Array) || secret.byteLength < MIN_SECRET_BYTES) {
    throw new TypeError(`options.secret must hold at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (typeof context !== 'string' || context === '') throw new TypeError('options.context must be a non-empty string');
  if (typeof periodSeconds !== 'number' || Number.isNaN(periodSeconds)) {
    throw new TypeError('options.periodSeconds must be a number');
  }
  const seconds = Math.min(Math.max(Math.round(periodSeconds), MIN_PERIOD_SECONDS), MAX_PERIOD_SECONDS);
  // A copy: a caller reusing its buffer must not change the nonces under us.
  return { secret: Buffer.from(secret), context, periodMs: seconds * 1000 };
}

export function createDpopNonces(options: DpopNonceOptions): DpopNonces {
  const { secret, context, periodMs } = checkedOptions(options);
  const now = options.now ?? Date.now;
  // The slot is the digits after the last newline, so no two (context, slot) pairs sign the same text.
  const nonceOf = (slot: number) => createHmac('sha256', secret).update(`${context}\n${slot}`).digest('base64url');
  let slot = Number.NaN;
  let values: readonly [current: Buffer, previous: Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];

  /** The two accepted values, recomputed only when the slot changes. */
  function window(): readonly [Buffer, Buffer] {
    const nowSlot = Math.floor(now() / periodMs);
    if (nowSlot !== slot) {
      slot = nowSlot;
      values = [Buffer.from(nonceOf(nowSlot)), Buffer.from(nonceOf(nowSlot - 1))];
    }
    return values;
  }

  return {
    current: () => window()[0].toString(),
    accepts(nonce) {
      if (typeof nonce !== 'string' || !NONCE_SHAPE.test(nonce)) return false;
      const presented = Buffer.from(nonce);
      const [current, previous] = window();
      // Both compared, each in constant time: the answer's timing says nothing of which slot, or how close.
      const matchesCurrent = timingSafeEqual(presented, current);
      const matchesPrevious = timingSafeEqual(presented, previous);
      return matchesCurrent || matchesPrevious;
    },
  };
}
