/**
 * The storage contract. Every store (SQLite and PostgreSQL in @tollgate/store-sql) implements exactly this and passes
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
  /** May use the dashboard's admin pages and the admin HTTP API. */
  isAdmin: boolean;
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
  /**
   * When it starts signing. A rotated key is published (in the JWKS) from `createdAt` but signs only from here, after
   * the propagation delay, so verifiers know it before they meet its first token.
   */
  activatesAt: number;
  /**
   * When it stops signing (its successor's `activatesAt`, possibly still ahead); `null` while it has no successor.
   */
  retiredAt: number | null;
  /** When it leaves the JWKS: every token it signed has expired by then. `null` while it may still sign. */
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

export interface AddApiOptions {
  /**
   * Make the API the default if no API is the default when it is stored; decided in the same transaction as the
   * insert, so concurrent adds (processes, nodes) end with exactly one default and an explicit `isDefault` still wins.
   */
  defaultIfNone?: boolean;
}

export interface ApiStore {
  /**
   * Throws `Conflict` if the identifier exists. With `isDefault`, atomically clears the previous default. Returns the
   * API as stored: its `isDefault` tells whether `defaultIfNone` made it the default.
   */
  add(api: ApiRecord, options?: AddApiOptions): Promise<ApiRecord>;
  /** Changes the given fields; with `isDefault: true`, atomically clears the previous default. Undefined when absent. */
  update(
    identifier: string,
    changes: Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault'>>,
  ): Promise<ApiRecord | undefined>;
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
  /** Changes the given fields of the user with this id; undefined when there is none. */
  update(
    id: string,
    changes: Partial<Pick<UserRecord, 'passwordHash' | 'scopes' | 'disabled' | 'isAdmin'>>,
  ): Promise<UserRecord | undefined>;
}

export interface ClientStore {
  /** Throws `Conflict` if the id exists. */
  add(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  remove(id: string): Promise<boolean>;
  /** Changes the given fields; undefined when there is no such client. */
  update(
    id: string,
    changes: Partial<Pick<ClientRecord, 'name' | 'secretHash' | 'scopes' | 'apis'>>,
  ): Promise<ClientRecord | undefined>;
}

export interface KeyStore {
  /** All keys not yet removed, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /**
   * Atomically retires every key without a successor (setting `retiredAt` = `newKey.activatesAt` and
   * `expiresAt` = `retiredKeysExpireAt`) and adds `newKey`, which signs from its `activatesAt`.
   */
  rotate(newKey: SigningKeyRecord, retiredKeysExpireAt: number): Promise<void>;
  /**
   * Withdraws a key at once (a compromised key): it stops signing and leaves the JWKS at `now`, and the next
   * `removeExpired` deletes it. Returns false when no such key exists.
   */
  withdraw(kid: string, now: number): Promise<boolean>;
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

/** Who an API token acts for: a person, or an OAuth client acting as a service account. */
export type ApiTokenOwnerKind = 'user' | 'client';

/** A long-lived, scoped API token (personal access token). The token itself is never stored, only its SHA-256. */
export interface ApiTokenRecord {
  /** Stable public id (`tok_...`), kept across regenerations; what URLs and the CLI name. */
  id: string;
  name: string;
  ownerKind: ApiTokenOwnerKind;
  /** A user id (`usr_...`) or a client id. */
  ownerId: string;
  /** Id of the user who created it; null when created by the operator (CLI). */
  createdBy: string | null;
  /** SHA-256 (hex) of the current secret. Unique. */
  tokenHash: string;
  /**
   * Key of the current secret on the revocation list, as introspection reports it. A new one on every
   * regeneration, so revoking the old secret never touches the new one. Unique.
   */
  jti: string;
  /** API identifiers (audiences) the token may be used for; at least one. */
  apis: string[];
  scopes: string[];
  createdAt: number;
  /** Null: never expires (only when the server allows it). */
  expiresAt: number | null;
  /** When the secret was last regenerated; null if never. */
  regeneratedAt: number | null;
  lastUsedAt: number | null;
  lastUsedAddress: string | null;
  requestCount: number;
}

/** Uses of one secret reported by verifiers, aggregated per API and UTC day. */
export interface ApiTokenUsageEntry {
  jti: string;
  /** The API (audience) it was used for. */
  api: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
  lastUsedAt: number;
  lastUsedAddress: string | null;
}

export interface ApiTokenUsageRow {
  tokenId: string;
  api: string;
  day: string;
  count: number;
}

export interface ApiTokenStore {
  /** Throws `Conflict` if the id, hash or jti exists. */
  add(token: ApiTokenRecord): Promise<void>;
  get(id: string): Promise<ApiTokenRecord | undefined>;
  findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  /** Oldest first. */
  listByOwner(ownerKind: ApiTokenOwnerKind, ownerId: string): Promise<ApiTokenRecord[]>;
  /** Every token, oldest first. */
  list(): Promise<ApiTokenRecord[]>;
  /**
   * Regeneration as one compare-and-set: if the token still has `expectedHash`, replaces hash and jti, sets
   * `regeneratedAt`, and in the same transaction adds the old jti to the revocation list (until
   * `revocationExpiresAt`). Returns the updated record, or undefined (writing nothing) when the token is gone
   * or was regenerated meanwhile.
   */
  regenerate(
    id: string,
    expectedHash: string,
    next: { tokenHash: string; jti: string },
    at: number,
    revocationExpiresAt: number,
  ): Promise<ApiTokenRecord | undefined>;
  /**
   * Deletes the token and, in the same transaction, adds its jti to the revocation list (until
   * `revocationExpiresAt`). Returns the deleted record; undefined when there was none. Usage rows are kept.
   */
  revoke(id: string, revokedAt: number, revocationExpiresAt: number): Promise<ApiTokenRecord | undefined>;
  /** Deletes every token of an owner the same way (owner deleted); returns how many. */
  revokeAllOf(
    ownerKind: ApiTokenOwnerKind,
    ownerId: string,
    revokedAt: number,
    revocationExpiresAt: number,
  ): Promise<number>;
  /**
   * In one transaction: for each entry whose jti is a current token, adds `count` to its request count, moves
   * last-used forward (never back), and adds `count` to the (token, api, day) usage row. Unknown jtis are skipped.
   */
  recordUsage(entries: readonly ApiTokenUsageEntry[]): Promise<void>;
  /** Usage rows with `day` >= `fromDay`, optionally for one token or one API, ordered by day. */
  listUsage(filter: { fromDay: string; tokenId?: string; api?: string }): Promise<ApiTokenUsageRow[]>;
}

/** A dashboard sign-in. The cookie holds the session id; only its SHA-256 is stored. */
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

export type AuditOutcome = 'success' | 'failure';

export interface AuditEventRecord {
  /** Monotonic; newest has the largest. Assigned by the store. */
  id: number;
  at: number;
  /** User id of who acted; null for the operator (CLI) or an unknown user (failed login). */
  actorId: string | null;
  /** Username as it was then ('cli' for the operator; the attempted name for a failed login). */
  actorName: string;
  /** Dotted, stable: `session.sign_in`, `api_token.create`, `user.disable`, ... (see core/audit). */
  action: string;
  /** What it acted on (token id, username, client id, API identifier, kid); null when nothing. */
  target: string | null;
  /** Remote address, or null from the CLI. */
  address: string | null;
  outcome: AuditOutcome;
  /** Extra facts, never a secret. */
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  action?: string;
  /** Exact actor name. */
  actorName?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** Epoch seconds, inclusive. */
  since?: number;
  until?: number;
  /** Cursor: only events with id < before. */
  before?: number;
  limit: number;
}

export interface AuditStore {
  add(event: Omit<AuditEventRecord, 'id'>): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEventRecord[]>;
}

export interface Store {
  readonly apis: ApiStore;
  readonly users: UserStore;
  readonly clients: ClientStore;
  readonly keys: KeyStore;
  readonly grants: GrantStore;
  readonly revocations: RevocationStore;
  readonly apiTokens: ApiTokenStore;
  readonly sessions: SessionStore;
  readonly audit: AuditStore;
  close(): Promise<void>;
}
