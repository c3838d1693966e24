export { KyselyStore } from './kysely-store.js';
export {
  type MigrateOptions,
  MIGRATION_NAMES,
  MigrationError,
  migrateToLatest,
  migrationProvider,
  pendingMigrations,
} from './migrations/index.js';
export {
  databaseSecrets,
  isPostgresLocation,
  type OpenStoreOptions,
  openStore,
  redactDatabaseLocation,
} from './open-store.js';
export { openPostgresStore, PostgresStore, type PostgresStoreOptions } from './postgres.js';
export type { Database } from './schema.js';
export type { SequencedWrites } from './sequenced-writes.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { isDatabaseUnavailable, isStorageFull } from './unavailable.js';
export {
  backupSqliteDatabase,
  inspectSqliteBackup,
  isSqliteDatabaseInUse,
  type SqliteBackupInspection,
  temporaryNameFor,
} from './sqlite/backup.js';
