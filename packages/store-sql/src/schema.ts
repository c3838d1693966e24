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
  created_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  scopes: string;
  disabled: number;
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
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** JSON object: the public JWK. */
  public_jwk: string;
  encrypted_private_key: string;
  created_at: number;
  retired_at: number | null;
  expires_at: number | null;
}

export interface RefreshTokenFamiliesTable {
  id: string;
  client_id: string;
  subject: string;
  created_at: number;
  revoked_at: number | null;
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

export interface Database {
  apis: ApisTable;
  users: UsersTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  refresh_token_families: RefreshTokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  family_access_tokens: FamilyAccessTokensTable;
  revocations: RevocationsTable;
}
