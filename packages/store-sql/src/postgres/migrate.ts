/**
 * Migrating a PostgreSQL schema while other processes may be doing the same. Kysely's migrator locks
 * only around running migrations, after it has created its own tables; the whole sequence (creating the
 * schema, Kysely's tables, the migrations) runs here under one session-level advisory lock per schema,
 * so the second process waits and then finds nothing left to do.
 */
import { type Kysely, sql } from 'kysely';
import { migrateToLatest } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { lockKey, MIGRATION_LOCK_CLASS } from './advisory-locks.js';

/** Creates `schema` if needed and migrates it to the latest version; returns the migrations applied. */
export async function migrateSchema(db: Kysely<Database>, schema: string): Promise<string[]> {
  // One connection throughout: a session-level lock belongs to the connection that took it.
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${lockKey(MIGRATION_LOCK_CLASS, schema)})`.execute(connection);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(connection);
      return await migrateToLatest(connection, { migrationTableSchema: schema });
    } finally {
      await sql`select pg_advisory_unlock(${lockKey(MIGRATION_LOCK_CLASS, schema)})`.execute(connection);
    }
  });
}
