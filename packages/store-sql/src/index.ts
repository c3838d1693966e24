export { KyselyStore } from './kysely-store.js';
export { MigrationError, migrateToLatest, migrationProvider } from './migrations/index.js';
export type { Database } from './schema.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite.js';
