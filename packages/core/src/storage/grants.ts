/** Refresh-token families and the access tokens issued from them. */
export interface RefreshTokenRecord {
  id: string;
  /** SHA-256 (hex) of the opaque token; the token itself is never stored. */
  tokenHash: string;
  familyId: string;
  clientId: string;
  subject: string;
  /** The username for user grants, for introspection's `username`; absent for client grants. */
  username: string | null;
  scopes: string[];
  audience: string;
  createdAt: number;
  expiresAt: number;
  /** Set once the token has been exchanged; a second use is a replay (RFC 9700 4.14.2). */
  consumedAt: number | null;
}

export interface RefreshTokenFamilyRecord {
  id: string;
  clientId: string;
  subject: string;
  createdAt: number;
  revokedAt: number | null;
  /**
   * The DPoP key the family's tokens were first bound to. A public client must refresh with a proof made with it
   * (RFC 9449 5); a confidential client authenticates instead and may move to another key.
   */
  dpopJkt: string | null;
}

/** An access token issued from a refresh family, remembered so revoking the family can deny-list it. */
export interface IssuedAccessToken {
  jti: string;
  expiresAt: number;
}

export interface GrantStore {
  /** Starts a refresh-token family with its first token and the access token issued beside it. */
  startFamily(
    family: RefreshTokenFamilyRecord,
    token: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<void>;
  findRefreshToken(
    tokenHash: string,
  ): Promise<{ token: RefreshTokenRecord; family: RefreshTokenFamilyRecord } | undefined>;
  /**
   * The compare-and-set behind rotation: in one transaction, marks `consumedId` consumed if and only if it
   * was not consumed yet and its family is not revoked, then adds `next` and records `accessToken`.
   * Returns false (writing nothing) when another request got there first.
   */
  rotate(
    consumedId: string,
    consumedAt: number,
    next: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<boolean>;
  /**
   * Revokes the family and, in the same transaction, adds every still-live access token issued from it to
   * the revocation list. Idempotent.
   */
  revokeFamily(familyId: string, revokedAt: number): Promise<void>;
  /**
   * `revokeFamily` for every family not yet revoked of one user (`subject`) or one client (a user disabled or
   * deleted, a client deleted); returns how many it revoked.
   */
  revokeFamiliesOf(owner: { subject: string } | { clientId: string }, revokedAt: number): Promise<number>;
  /**
   * Forgets families whose every refresh token has expired (a consumed token is kept until then, so a
   * replay is still recognised) and remembered access tokens that have expired; returns families removed.
   */
  removeExpired(now: number): Promise<number>;
}
