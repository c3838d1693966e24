/** Authorization codes (RFC 6749 4.1.2), stored by hash, used once. */
import type { IssuedAccessToken, RefreshTokenFamilyRecord, RefreshTokenRecord } from './grants.js';

export interface AuthorizationCodeRecord {
  /** SHA-256 (hex) of the code; the code itself is never stored. */
  codeHash: string;
  clientId: string;
  /** The redirect URI of the authorization request, which the token request must repeat (RFC 6749 4.1.3). */
  redirectUri: string;
  /** RFC 7636 4.2 S256 challenge: base64url(SHA-256(code_verifier)). */
  codeChallenge: string;
  /** The user who signed in. */
  subject: string;
  username: string;
  scopes: string[];
  /** The API identifier the tokens are for. */
  audience: string;
  createdAt: number;
  expiresAt: number;
  /** Set by the one redemption that wins; a second use is a replay (RFC 6749 4.1.2). */
  consumedAt: number | null;
  /** What the redemption issued, so a replay can revoke it; null until redeemed. */
  issued: IssuedFromCode | null;
}

export interface IssuedFromCode {
  accessToken: IssuedAccessToken;
  /** The refresh-token family started, or null when the client may not refresh. */
  familyId: string | null;
}

/** What a redemption writes besides marking the code used. */
export interface CodeRedemption {
  accessToken: IssuedAccessToken;
  /** A new refresh-token family with its first token (the access token is recorded in it), or null. */
  family: { family: RefreshTokenFamilyRecord; token: RefreshTokenRecord } | null;
}

export interface AuthorizationCodeStore {
  /** Throws `Conflict` if the hash exists. */
  add(code: AuthorizationCodeRecord): Promise<void>;
  find(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * The compare-and-set behind single use: in one transaction, marks the code consumed if and only if it was not
   * yet, records what was issued and, with a family, starts it as `GrantStore.startFamily` does. Returns false
   * (writing nothing) when another redemption got there first.
   */
  redeem(codeHash: string, consumedAt: number, redemption: CodeRedemption): Promise<boolean>;
  /** Forgets codes that expired before `before` (kept a while after expiry so a late replay still revokes). */
  removeExpired(before: number): Promise<number>;
}
