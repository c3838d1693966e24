/** Dashboard sessions. */
export interface SessionRecord {
  /** SHA-256 (hex) of the session id. */
  idHash: string;
  userId: string;
  /** Per-session secret the dashboard sends back in `X-CSRF-Token` on every state-changing request. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry; idle expiry is computed from `lastSeenAt`. */
  expiresAt: number;
  address: string;
}

export interface SessionStore {
  add(session: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  touch(idHash: string, lastSeenAt: number): Promise<void>;
  /** Returns false when there was nothing to remove. */
  remove(idHash: string): Promise<boolean>;
  /** Signs a user out everywhere (disabled, password reset); returns how many. */
  removeForUser(userId: string): Promise<number>;
  /** Removes sessions past `expiresAt` <= now or idle since `lastSeenAt` <= idleBefore; returns how many. */
  removeExpired(now: number, idleBefore: number): Promise<number>;
}
