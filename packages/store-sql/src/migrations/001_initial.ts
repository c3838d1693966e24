/**
 * The initial schema. Portable schema-builder code only: SQLite and PostgreSQL run this same file, and
 * the single dialect difference (the revocation sequence column) comes from `dialect-flavor.ts`.
 * Times are `bigint` epoch seconds (SQLite stores any integer; PostgreSQL's `integer` would end in 2038).
 */
import type { Kysely } from 'kysely';
import { sequenceColumn, sqlFlavorOf } from './dialect-flavor.js';

async function createAccountTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apis')
    .addColumn('identifier', 'text', (col) => col.primaryKey())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('is_default', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('token_ttl_seconds', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  // At most one default API, enforced by the database rather than by convention.
  await db.schema
    .createIndex('apis_single_default')
    .on('apis')
    .column('is_default')
    .unique()
    .where('is_default', '=', 1)
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('apis', 'text')
    .addColumn('grant_types', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
}

async function createSigningKeyTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('alg', 'text', (col) => col.notNull())
    .addColumn('public_jwk', 'text', (col) => col.notNull())
    .addColumn('encrypted_private_key', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('signing_keys_expires_at').on('signing_keys').column('expires_at').execute();
}

async function createGrantTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refresh_token_families')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('family_id', 'text', (col) => col.notNull().references('refresh_token_families.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('username', 'text')
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('audience', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_family_id').on('refresh_tokens').column('family_id').execute();
  await db.schema.createIndex('refresh_tokens_expires_at').on('refresh_tokens').column('expires_at').execute();

  await db.schema
    .createTable('family_access_tokens')
    .addColumn('jti', 'text', (col) => col.primaryKey())
    .addColumn('family_id', 'text', (col) => col.notNull().references('refresh_token_families.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  // Serves revokeFamily's "live tokens of this family" scan.
  await db.schema
    .createIndex('family_access_tokens_family_expiry')
    .on('family_access_tokens')
    .columns(['family_id', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('family_access_tokens_expires_at')
    .on('family_access_tokens')
    .column('expires_at')
    .execute();
}

async function createRevocationTable(db: Kysely<unknown>): Promise<void> {
  const sequence = sequenceColumn(sqlFlavorOf(db));
  await db.schema
    .createTable('revocations')
    .addColumn('sequence', sequence.dataType, sequence.define)
    .addColumn('jti', 'text', (col) => col.notNull().unique())
    .addColumn('revoked_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('revocations_expires_at').on('revocations').column('expires_at').execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createAccountTables(db);
  await createSigningKeyTable(db);
  await createGrantTables(db);
  await createRevocationTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const newestFirst = [
    'revocations',
    'family_access_tokens',
    'refresh_tokens',
    'refresh_token_families',
    'signing_keys',
    'clients',
    'users',
    'apis',
  ];
  for (const table of newestFirst) await db.schema.dropTable(table).execute();
}
