/** API tokens (personal access tokens and service-account tokens) and their usage. */
export type ApiTokenOwnerKind = 'user' | 'client';

/** Owner-supplied facts about a token, passed on to the APIs behind (size limits: management/api-token-metadata.ts). */
export type ApiTokenMetadata = Record<string, string | number | boolean>;

/** The secret a regeneration with a grace period replaced: still accepted until `expiresAt`. */
export interface PreviousApiTokenSecret {
  /** SHA-256 (hex) of the old secret. Unique among previous secrets. */
  tokenHash: string;
  /** The old secret's jti, which joins the revocation list when the grace period ends. */
  jti: string;
  /** End of the grace period, epoch seconds. */
  expiresAt: number;
}

/** Credits a token spends per request (a quota), with an optional refill. See management/api-token-credits.ts. */
export interface ApiTokenCredits {
  /** What is left, as of `refilledAt` plus whatever was spent since. */
  remaining: number;
  /** Null: never refilled. Otherwise `remaining` is SET to `amount` (not added) at each interval boundary (UTC). */
  refill: { amount: number; interval: 'day' | 'month' } | null;
  /** When `remaining` was last set (created, edited or refilled), epoch seconds: the next refill is the boundary after it. */
  refilledAt: number;
}

/** A token's own rate limit: it takes the place of the per-token limit of the API or route. */
export interface ApiTokenRateLimit {
  requests: number;
  windowSeconds: number;
}

/** The outcome of `consumeCredits`: the token's credits afterwards (refill applied) and whether `cost` was taken. */
export interface CreditConsumption {
  allowed: boolean;
  credits: ApiTokenCredits;
}

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
  /** The replaced secret during a grace period; null when there is none (or it has ended). */
  previous: PreviousApiTokenSecret | null;
  metadata: ApiTokenMetadata;
  /** The owner's own id for whoever the token is for (a customer id, say); null if none. */
  externalId: string | null;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to at creation (RFC 9449); null: a bearer token. */
  dpopJkt: string | null;
  /** Null: unlimited (no credits are counted). */
  credits: ApiTokenCredits | null;
  /** Null: the route's or API's per-token limit applies. */
  rateLimit: ApiTokenRateLimit | null;
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

/** What `update` may change; fields left out stay as they are. */
export interface ApiTokenRecordChanges {
  metadata?: ApiTokenMetadata;
  externalId?: string | null;
  credits?: ApiTokenCredits | null;
  rateLimit?: ApiTokenRateLimit | null;
}

export interface ApiTokenStore {
  /** Throws `Conflict` if the id, hash or jti exists. */
  add(token: ApiTokenRecord): Promise<void>;
  get(id: string): Promise<ApiTokenRecord | undefined>;
  /** The token whose current secret, or previous one (grace period, ended or not), has this hash. */
  findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  /** The token whose current secret, or previous one (grace period, ended or not), has this jti. */
  findByJti(jti: string): Promise<ApiTokenRecord | undefined>;
  /** Oldest first. */
  listByOwner(ownerKind: ApiTokenOwnerKind, ownerId: string): Promise<ApiTokenRecord[]>;
  /** Every token, oldest first. */
  list(): Promise<ApiTokenRecord[]>;
  /**
   * Regeneration as one compare-and-set: if the token still has `expectedHash`, replaces hash and jti and sets
   * `regeneratedAt`. With `graceEndsAt` null the old jti joins the revocation list (until `revocationExpiresAt`)
   * in the same transaction; otherwise the old hash and jti become `previous`, accepted until `graceEndsAt`. Either
   * way a `previous` the token already had is revoked at once: a token has at most one previous secret. Returns
   * the updated record, or undefined (writing nothing) when the token is gone or was regenerated meanwhile.
   */
  regenerate(
    id: string,
    expectedHash: string,
    next: { tokenHash: string; jti: string; graceEndsAt: number | null },
    at: number,
    revocationExpiresAt: number,
  ): Promise<ApiTokenRecord | undefined>;
  /**
   * Ends every grace period whose `previous.expiresAt` <= `now`: clears `previous` and adds its jti to the
   * revocation list (revoked at `now`, until `revocationExpiresAt`), each token in one transaction. Safe to run
   * from several nodes at once: each previous secret is revoked once. Returns how many ended.
   */
  endGracePeriods(now: number, revocationExpiresAt: number): Promise<number>;
  /**
   * Ends one grace period early (its secret was revoked): if the token's previous jti is still `previousJti`, clears
   * `previous` and revokes that jti (at `revokedAt`, until `revocationExpiresAt`) in one transaction. The current
   * secret is untouched. Returns whether it did.
   */
  revokePrevious(id: string, previousJti: string, revokedAt: number, revocationExpiresAt: number): Promise<boolean>;
  /** Sets the given fields (others unchanged); returns the updated record, undefined when there is no such token. */
  update(id: string, changes: ApiTokenRecordChanges): Promise<ApiTokenRecord | undefined>;
  /**
   * Takes `cost` credits from the token, in one atomic step whatever runs concurrently (on any node): first the
   * refill due by `now` (see `creditsAt`), then the decrement only if `remaining >= cost`; both are written together.
   * Undefined when there is no such token or it carries no credits (nothing is written then).
   */
  consumeCredits(id: string, cost: number, now: number): Promise<CreditConsumption | undefined>;
  /**
   * Deletes the token and, in the same transaction, adds its jti (and its previous secret's) to the revocation
   * list (until `revocationExpiresAt`). Returns the deleted record; undefined when there was none. Usage rows are kept.
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
   * In one transaction: for each entry whose jti is a token's current or previous jti, adds `count` to its request count, moves
   * last-used forward (never back), and adds `count` to the (token, api, day) usage row. Unknown jtis are skipped.
   */
  recordUsage(entries: readonly ApiTokenUsageEntry[]): Promise<void>;
  /** Usage rows with `day` >= `fromDay`, optionally for one token or one API, ordered by day. */
  listUsage(filter: { fromDay: string; tokenId?: string; api?: string }): Promise<ApiTokenUsageRow[]>;
}
