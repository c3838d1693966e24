/**
 * Kysely's Migrator over this version's migrations: what opening a database runs when the one-query check
 * (index.ts) finds it is not current. Loaded only then, with the migrations and Kysely's schema code.
 */
import { type Kysely, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Database } from '../schema.js';
import { MigrationError } from './migration-error.js';

export interface MigratorOptions {
  provider: MigrationProvider;
  migrationTableSchema?: string;
}

/** Applies every pending migration; returns the names of those it applied. */
export async function applyPendingMigrations(db: Kysely<Database>, options: MigratorOptions): Promise<string[]> {
  const resultSet = await new Migrator({ db, ...options }).migrateToLatest();
  if (resultSet.error !== undefined) throw toMigrationError(resultSet);
  return (resultSet.results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** The names of the migrations the database has not had yet, in the order they would run. */
export async function listPendingMigrations(db: Kysely<Database>, options: MigratorOptions): Promise<string[]> {
  const known = await new Migrator({ db, ...options }).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

function toMigrationError({ error, results }: MigrationResultSet): MigrationError {
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  const message =
    failed === undefined
      ? `Could not migrate the database: ${reason}`
      : `Database migration ${failed} failed: ${reason}`;
  return new MigrationError(message, failed, error);
}
