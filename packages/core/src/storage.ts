/**
 * The storage contract. Every store (SQLite today, PostgreSQL next) implements exactly this and passes
 * the shared contract suite. All `*At` fields are epoch seconds. Stores hold no business rules beyond
 * the atomicity each method promises; every method that returns resolves only once the write is durable.
 */
import type { SigningAlgorithm } from '@tollgate/jwt';

export type GrantType = 'password' | 'client_credentials' | 'refresh_token';

export interface ApiRecord {
  /** The RFC 8707 resource identifier: an absolute URI without a fragment. Becomes the token's `aud`. */
  identifier: string;
  scopes: string[];
  isDefault: boolean;
  tokenTtlSeconds: number;
  createdAt: number;
}

export interface UserRecord {
  /** Stable opaque id, used as the token's `sub`. */
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  scopes: string[];
  disabled: boolean;
  createdAt: number;
}

export interface ClientRecord {
  /** The OAuth `client_id`. */
  id: string;
  name: string;
  /** argon2id PHC string of the client secret. */
  secretHash: string;
  scopes: string[];
  /** API identifiers the client may get tokens for; `null` means every registered API. */
  apis: string[] | null;
  grantTypes: GrantType[];
  createdAt: number;
}

export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlgorithm;
  /** Public JWK as published in the JWKS (with kid, alg, use). */
  publicJwk: Record<string, unknown>;
  /** The PKCS#8 private key, AEAD-encrypted under the configured encryption key (see crypto/key-encryption). */
  encryptedPrivateKey: string;
  createdAt: number;
  /** When the key stopped signing; `null` for the key that signs now. */
  retiredAt: number | null;
  /** When it leaves the JWKS: every token it signed has expired by then. `null` while it still signs. */
  expiresAt: number | null;
}

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
}

/** An access token issued from a refresh family, remembered so revoking the family can deny-list it. */
export interface IssuedAccessToken {
  jti: string;
  expiresAt: number;
}

export interface RevocationRecord {
  /** Monotonic sequence number, so verifiers can resume a revocation stream. */
  sequence: number;
  jti: string;
  revokedAt: number;
  /** The revoked token's own expiry: after it the entry can be dropped. */
  expiresAt: number;
}

export interface ApiStore {
  /** Throws `Conflict` if the identifier exists. With `isDefault`, atomically clears the previous default. */
  add(api: ApiRecord): Promise<void>;
  get(identifier: string): Promise<ApiRecord | undefined>;
  getDefault(): Promise<ApiRecord | undefined>;
  list(): Promise<ApiRecord[]>;
  /** Returns false when there was nothing to remove. */
  remove(identifier: string): Promise<boolean>;
}

export interface UserStore {
  /** Throws `Conflict` if the username exists. */
  add(user: UserRecord): Promise<void>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  getById(id: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  remove(username: string): Promise<boolean>;
}

export interface ClientStore {
  /** Throws `Conflict` if the id exists. */
  add(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  remove(id: string): Promise<boolean>;
}

export interface KeyStore {
  /** All keys not yet removed, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /**
   * Atomically retires every key that still signs (setting `retiredAt` = `newKey.createdAt` and
   * `expiresAt` = `retiredKeysExpireAt`) and adds `newKey` as the one that signs.
   */
  rotate(newKey: SigningKeyRecord, retiredKeysExpireAt: number): Promise<void>;
  /** Removes retired keys whose `expiresAt` is at or before `now`; returns how many. */
  removeExpired(now: number): Promise<number>;
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
   * Forgets families whose every refresh token has expired (a consumed token is kept until then, so a
   * replay is still recognised) and remembered access tokens that have expired; returns families removed.
   */
  removeExpired(now: number): Promise<number>;
}

export interface RevocationStore {
  /** Idempotent: revoking a jti twice keeps the first record. */
  add(jti: string, revokedAt: number, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  /** Revocations with `sequence` > `afterSequence` that have not expired at `now`, oldest first. */
  listSince(afterSequence: number, now: number, limit: number): Promise<RevocationRecord[]>;
  /** Drops entries whose token has expired; returns how many. */
  removeExpired(now: number): Promise<number>;
}

export interface Store {
  readonly apis: ApiStore;
  readonly users: UserStore;
  readonly clients: ClientStore;
  readonly keys: KeyStore;
  readonly grants: GrantStore;
  readonly revocations: RevocationStore;
  close(): Promise<void>;
}
