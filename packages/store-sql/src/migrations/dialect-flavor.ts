/**
 * The few places where the same migration must say something different per database. Everything else
 * in the migrations is portable schema-builder code.
 */
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, SqliteAdapter } from 'kysely';

export type SqlFlavor = 'sqlite' | 'postgres';

export function sqlFlavorOf<DB>(db: Kysely<DB>): SqlFlavor {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new TypeError(`Unsupported database adapter ${adapter.constructor.name}; expected SQLite or PostgreSQL`);
}

/**
 * The revocation stream's sequence: assigned by the database, increasing, and never reused even after
 * the newest rows are purged, so a verifier resuming "after N" cannot miss an entry.
 * - SQLite: `integer primary key autoincrement`. Without AUTOINCREMENT SQLite may hand out the largest
 *   rowid again once that row is deleted; the column must be exactly `integer` to alias the rowid.
 * - PostgreSQL: `bigint generated always as identity primary key` (identity values are never reused).
 */
export function sequenceColumn(flavor: SqlFlavor): {
  dataType: 'integer' | 'bigint';
  define: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
} {
  return flavor === 'postgres'
    ? { dataType: 'bigint', define: (col) => col.primaryKey().generatedAlwaysAsIdentity() }
    : { dataType: 'integer', define: (col) => col.primaryKey().autoIncrement() };
}
