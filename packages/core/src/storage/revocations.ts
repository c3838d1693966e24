/** The revocation list behind the revocation stream. */
export interface RevocationRecord {
  /** Monotonic sequence number, so verifiers can resume a revocation stream. */
  sequence: number;
  jti: string;
  revokedAt: number;
  /** The revoked token's own expiry: after it the entry can be dropped. */
  expiresAt: number;
}

export interface RevocationStore {
  /** Idempotent: revoking a jti twice keeps the first record. */
  add(jti: string, revokedAt: number, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  /** Revocations with `sequence` > `afterSequence` that have not expired at `now`, oldest first. */
  listSince(afterSequence: number, now: number, limit: number): Promise<RevocationRecord[]>;
  /** Drops entries whose token has expired; returns how many. */
  removeExpired(now: number): Promise<number>;
  /** The current epoch and the highest sequence ever handed out (purged records included; 0 before any). */
  position(): Promise<RevocationPosition>;
  /** The record with exactly this sequence, if it still exists (expired ones included until purged). */
  recordAt(sequence: number): Promise<RevocationRecord | undefined>;
  /**
   * Compare-and-set: replaces the epoch with a new random one only if it still is `expected`, so nodes that
   * notice the same rewind at once mint one epoch between them. Returns the epoch current afterwards.
   */
  replaceEpoch(expected: string): Promise<string>;
  /** Starts a new epoch whatever the current one is (for a restore command); returns it. */
  startNewEpoch(): Promise<string>;
}

/**
 * Where the revocation list stands. A restored backup brings back an older sequence counter, so sequences
 * alone would name two different revocations; the epoch, random and replaced whenever that is detected,
 * tells the two histories apart (the stream's event ids carry both).
 */
export interface RevocationPosition {
  epoch: string;
  highestSequence: number;
}
