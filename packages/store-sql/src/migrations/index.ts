/**
 * Versioned migrations, kept in code (not read from a folder at runtime) so the compiled package is
 * self-contained. Names sort in the order they run: add `010_...` next, never edit a released one.
 *
 * Opening a database that is current needs only the names below and one query. The migrations themselves
 * (all.ts) and Kysely's Migrator (migrator.ts), some 270 KiB of code with Kysely's schema builder, load only
 * when something is to be applied or listed: every command and every start used to read and compile them.
 */
import { type Kysely, type MigrationProvider, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { MigratorOptions } from './migrator.js';

export { MigrationError } from './migration-error.js';

/**
 * Every migration this version knows, in order: the keys of MIGRATIONS (all.ts), which a test holds to this list.
 * A database with all of them pending has no Tollgate schema at all.
 */
export const MIGRATION_NAMES: readonly string[] = Object.freeze([
  '001_initial',
  '002_api_tokens_and_dashboard',
  '003_revocation_epoch',
  '004_signing_key_activation',
  '005_authorization_codes',
  '006_api_token_grace_and_metadata',
  '007_dpop_binding',
  '008_api_token_credits',
  '009_webhooks',
]);

/** Kysely's DEFAULT_MIGRATION_TABLE, named here so the check below does not load the Migrator (a test compares). */
export const MIGRATION_TABLE = 'kysely_migration';

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => (await import('./all.js')).MIGRATIONS,
};

export interface MigrateOptions {
  /**
   * Schema holding Kysely's own migration tables (PostgreSQL). Give it whenever the database has other
   * schemas: without it Kysely takes a `kysely_migration` table in any schema as this one's.
   */
  migrationTableSchema?: string;
}

/**
 * Brings the schema up to date and returns the names of the migrations it applied (none when it was
 * current); safe to call on every start and from several processes at once.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  if (await isCurrent(db, options)) return [];
  const { applyPendingMigrations } = await import('./migrator.js');
  return applyPendingMigrations(db, migratorOptions(options));
}

/** Names of the migrations this version knows and the database has not had yet, in the order they would run. */
export async function pendingMigrations(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  if (await isCurrent(db, options)) return [];
  const { listPendingMigrations } = await import('./migrator.js');
  return listPendingMigrations(db, migratorOptions(options));
}

function migratorOptions(options: MigrateOptions): MigratorOptions {
  return { provider: migrationProvider, ...options };
}

/**
 * True when the database records exactly the migrations this version knows, read with one query. Kysely's
 * Migrator, even with nothing to apply, first introspects every table and takes its lock (some twenty statements
 * on SQLite), which every start of every process would pay on a database that is already current. Anything else
 * (no record yet, one missing, one this version does not know) goes to the Migrator, which applies or reports it.
 */
async function isCurrent(db: Kysely<Database>, options: MigrateOptions): Promise<boolean> {
  const schema = options.migrationTableSchema;
  const table = schema === undefined ? sql.table(MIGRATION_TABLE) : sql.id(schema, MIGRATION_TABLE);
  let recorded: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    recorded = new Set(rows.map((row) => row.name));
  } catch {
    return false;
  }
  return recorded.size === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => recorded.has(name));
}
