/**
 * The cross-node revocation nudge. The store is the only source of revocations; a signal
 * only says "look now", so a lost or duplicated message costs nothing but latency: every node still polls the store
 * (the fallback when the signal's transport, e.g. Redis pub/sub, is down).
 */
export interface RevocationSignal {
  /** Called after this node has durably written a revocation. Must not throw or block; failures are the signal's to log. */
  publish(): void;
  /** `onSignal` runs whenever any node (this one included) published. Returns an unsubscribe function. */
  subscribe(onSignal: () => void): () => void;
}
