/**
 * API tokens, their usage counts, dashboard sessions, the audit log and the admin flag on users.
 * Portable schema-builder code like 001: the audit id's identity column comes from `dialect-flavor.ts`,
 * lists and objects are JSON text, booleans 0/1 integers, times `bigint` epoch seconds.
 */
import type { Kysely } from 'kysely';
import { sequenceColumn, sqlFlavorOf } from './dialect-flavor.js';

/** Existing users get 0: nobody becomes an admin by upgrading. */
async function addAdminFlag(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('is_admin', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

async function createApiTokenTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('owner_kind', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text')
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('jti', 'text', (col) => col.notNull().unique())
    .addColumn('apis', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('regenerated_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_used_address', 'text')
    .addColumn('request_count', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('api_tokens_owner').on('api_tokens').columns(['owner_kind', 'owner_id']).execute();

  // No foreign key to api_tokens: usage outlives a revoked token (the storage contract keeps its rows).
  await db.schema
    .createTable('api_token_usage')
    .addColumn('token_id', 'text', (col) => col.notNull())
    .addColumn('api', 'text', (col) => col.notNull())
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('count', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('api_token_usage_pk', ['token_id', 'api', 'day'])
    .execute();
  await db.schema.createIndex('api_token_usage_api_day').on('api_token_usage').columns(['api', 'day']).execute();
  await db.schema.createIndex('api_token_usage_day').on('api_token_usage').column('day').execute();
}

async function createSessionTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('address', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
}

async function createAuditTable(db: Kysely<unknown>): Promise<void> {
  // Same identity column as the revocation sequence: ids only grow, so `before` works as a page cursor.
  const id = sequenceColumn(sqlFlavorOf(db));
  await db.schema
    .createTable('audit_events')
    .addColumn('id', id.dataType, id.define)
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('address', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('detail', 'text')
    .execute();
  for (const column of ['at', 'action', 'actor_name']) {
    await db.schema.createIndex(`audit_events_${column}`).on('audit_events').column(column).execute();
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await addAdminFlag(db);
  await createApiTokenTables(db);
  await createSessionTable(db);
  await createAuditTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_events', 'sessions', 'api_token_usage', 'api_tokens']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('is_admin').execute();
}
