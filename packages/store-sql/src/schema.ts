/**
 * The database as Kysely sees it. One row type per table; column names are snake_case, values are
 * what both SQLite and PostgreSQL hold without conversion: lists and JWKs as JSON text, booleans as
 * 0/1 integers, every time as integer epoch seconds (the storage contract's `*At` fields).
 */
import type { Generated } from 'kysely';

export interface ApisTable {
  identifier: string;
  /** JSON array of scope strings. */
  scopes: string;
  /** 0 or 1; a partial unique index allows at most one 1. */
  is_default: number;
  token_ttl_seconds: number;
  /** 'required' or 'allowed' (DpopPolicy). */
  dpop: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  scopes: string;
  disabled: number;
  /** 0 or 1; added by migration 002, where existing users got 0. */
  is_admin: number;
  created_at: number;
}

export interface ClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  /** JSON array of API identifiers, or NULL for "every registered API". */
  apis: string | null;
  /** JSON array of grant type names. */
  grant_types: string;
  created_at: number;
  /** 0 or 1; added by migration 005 (existing clients 0). A public client's secret_hash is empty. */
  is_public: number;
  /** JSON array of redirect URIs; added by migration 005 (existing clients none). */
  redirect_uris: string;
  /** 0 or 1; added by migration 005 (existing clients 1). */
  first_party: number;
  /** 'required' or 'allowed' (DpopPolicy); added by migration 007 (existing clients 'allowed'). */
  dpop: string;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** JSON object: the public JWK. */
  public_jwk: string;
  encrypted_private_key: string;
  created_at: number;
  /** Added by migration 003, which fills it for older keys; NULL never occurs after it. */
  activates_at: number | null;
  retired_at: number | null;
  expires_at: number | null;
}

export interface RefreshTokenFamiliesTable {
  id: string;
  client_id: string;
  subject: string;
  created_at: number;
  revoked_at: number | null;
  dpop_jkt: string | null;
}

export interface RefreshTokensTable {
  id: string;
  token_hash: string;
  family_id: string;
  client_id: string;
  subject: string;
  username: string | null;
  scopes: string;
  audience: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** Access tokens issued from a refresh family, kept so revoking the family can deny-list them. */
export interface FamilyAccessTokensTable {
  jti: string;
  family_id: string;
  expires_at: number;
}

export interface RevocationsTable {
  /** Assigned by the database, never reused (see migrations/dialect-flavor.ts). */
  sequence: Generated<number>;
  jti: string;
  revoked_at: number;
  expires_at: number;
}

/** One row, id 1: see migrations/003_revocation_epoch.ts. */
export interface RevocationEpochTable {
  id: number;
  epoch: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** 'user' or 'client'. */
  owner_kind: string;
  owner_id: string;
  created_by: string | null;
  /** SHA-256 (hex) of the current secret; unique. */
  token_hash: string;
  /** The current secret's revocation key; unique. */
  jti: string;
  /** JSON array of API identifiers. */
  apis: string;
  /** JSON array of scope strings. */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  regenerated_at: number | null;
  last_used_at: number | null;
  last_used_address: string | null;
  request_count: number;
  /** The secret replaced with a grace period: its hash (unique), jti and end of grace; all null or none. */
  previous_token_hash: string | null;
  previous_jti: string | null;
  previous_expires_at: number | null;
  /** JSON object of string, number and boolean values; `{}` for none. */
  metadata: string;
  external_id: string | null;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to; added by migration 007 (existing tokens null). */
  dpop_jkt: string | null;
  /** Migration 008: credits left (null: unlimited), their refill (amount, 'day' or 'month'; null: none), when last set. */
  credits_remaining: number | null;
  credits_refill_amount: number | null;
  credits_refill_interval: string | null;
  credits_refilled_at: number | null;
  /** Migration 008: the token's own rate limit; both null or both set. */
  rate_limit_requests: number | null;
  rate_limit_window_seconds: number | null;
}

/** Uses per token, API and UTC day (`YYYY-MM-DD`); kept after the token is revoked. */
export interface ApiTokenUsageTable {
  token_id: string;
  api: string;
  day: string;
  count: number;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session id held in the cookie. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  address: string;
}

export interface AuditEventsTable {
  /** Assigned by the database and never reused, like the revocation sequence. */
  id: Generated<number>;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  address: string | null;
  /** 'success' or 'failure'. */
  outcome: string;
  /** JSON object, or NULL. */
  detail: string | null;
}

/** Authorization codes by SHA-256 (hex); the `issued_*` and `family_id` columns are set by the redemption. */
export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  subject: string;
  username: string;
  /** JSON array of scope strings. */
  scopes: string;
  audience: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  issued_jti: string | null;
  issued_expires_at: number | null;
  family_id: string | null;
}

/** Added by migration 009. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  encrypted_secret: string;
  /** 0 or 1. */
  enabled: number;
  created_at: number;
}

/** Added by migration 009. */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  /** 'pending', 'delivered' or 'failed'. */
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_response_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  apis: ApisTable;
  users: UsersTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  refresh_token_families: RefreshTokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  family_access_tokens: FamilyAccessTokensTable;
  authorization_codes: AuthorizationCodesTable;
  revocations: RevocationsTable;
  revocation_epoch: RevocationEpochTable;
  api_tokens: ApiTokensTable;
  api_token_usage: ApiTokenUsageTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
