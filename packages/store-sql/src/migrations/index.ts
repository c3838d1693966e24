/**
 * Versioned migrations, kept in code (not read from a folder at runtime) so the compiled package is
 * self-contained. Names sort in the order they run: add `005_...` next, never edit a released one.
 */
import {
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';
import type { Database } from '../schema.js';
import * as initial from './001_initial.js';
import * as apiTokensAndDashboard from './002_api_tokens_and_dashboard.js';
import * as revocationEpoch from './003_revocation_epoch.js';
import * as signingKeyActivation from './004_signing_key_activation.js';
import * as authorizationCodes from './005_authorization_codes.js';
import * as apiTokenGraceAndMetadata from './006_api_token_grace_and_metadata.js';
import * as dpopBinding from './007_dpop_binding.js';
import * as apiTokenCredits from './008_api_token_credits.js';
import * as webhooks from './009_webhooks.js';

const migrations: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
  '002_api_tokens_and_dashboard': apiTokensAndDashboard,
  '003_revocation_epoch': revocationEpoch,
  '004_signing_key_activation': signingKeyActivation,
  '005_authorization_codes': authorizationCodes,
  '006_api_token_grace_and_metadata': apiTokenGraceAndMetadata,
  '007_dpop_binding': dpopBinding,
  '008_api_token_credits': apiTokenCredits,
  '009_webhooks': webhooks,
};

/** Every migration this version knows, in order: a database with all of them pending has no Tollgate schema at all. */
export const MIGRATION_NAMES: readonly string[] = Object.freeze(Object.keys(migrations));

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Startup failure for operators: names the migration that failed; the driver's error is the `cause`. */
export class MigrationError extends Error {
  readonly migrationName: string | undefined;
  constructor(message: string, migrationName: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
    this.migrationName = migrationName;
  }
}

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
  const migrator = new Migrator({ db, provider: migrationProvider, ...options });
  const resultSet = await migrator.migrateToLatest();
  if (resultSet.error !== undefined) throw toMigrationError(resultSet);
  return (resultSet.results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** Names of the migrations this version knows and the database has not had yet, in the order they would run. */
export async function pendingMigrations(db: Kysely<Database>, options: MigrateOptions = {}): Promise<string[]> {
  if (await isCurrent(db, options)) return [];
  const migrator = new Migrator({ db, provider: migrationProvider, ...options });
  const known = await migrator.getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * True when the database records exactly the migrations this version knows, read with one query. Kysely's
 * Migrator, even with nothing to apply, first introspects every table and takes its lock (some twenty statements
 * on SQLite), which every start of every process would pay on a database that is already current. Anything else
 * (no record yet, one missing, one this version does not know) goes to the Migrator, which applies or reports it.
 */
async function isCurrent(db: Kysely<Database>, options: MigrateOptions): Promise<boolean> {
  const schema = options.migrationTableSchema;
  const table = schema === undefined ? sql.table(DEFAULT_MIGRATION_TABLE) : sql.id(schema, DEFAULT_MIGRATION_TABLE);
  let recorded: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    recorded = new Set(rows.map((row) => row.name));
  } catch {
    return false;
  }
  return recorded.size === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => recorded.has(name));
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
