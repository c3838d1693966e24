/**
 * The PostgreSQL store: the same tables, migrations and queries as SQLite (kysely-store.ts) over a
 * node-postgres pool, for several Tollgate processes sharing one database. Transactions run at
 * PostgreSQL's default READ COMMITTED; the compare-and-set writes (refresh token rotation, API token
 * regeneration) are conditional UPDATEs judged by the rows they changed, which is race-free there.
 * Durability is the server's: with the default `synchronous_commit = on` a commit returns once flushed.
 * Every wait is bounded (pool.ts), so a database that is down fails a query within seconds; one that hangs
 * opens a circuit (postgres/circuit.ts) after which queries fail at once until it answers again.
 */
import { Kysely, sql } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { pendingMigrations } from './migrations/index.js';
import { advisoryLockedOrder } from './postgres/advisory-locks.js';
import { DatabaseCircuit, connectionProbe, guardPool } from './postgres/circuit.js';
import { migrateSchema } from './postgres/migrate.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, checkPoolOptions, createPool, describeLocation } from './postgres/pool.js';
import { SchemaScopedPostgresDialect } from './postgres/schema-introspector.js';
import type { Database } from './schema.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style parameters are accepted too). */
  connectionString: string;
  /** Connections kept by this process; default 10. */
  poolSize?: number;
  /**
   * Schema for Tollgate's tables, created if missing; a lower-case identifier. Default: the role's
   * current schema (normally `public`). Do not also set `search_path` in the connection string: there,
   * node-postgres lets the connection string win.
   */
  schema?: string;
  /** How long to wait for a connection before the database counts as down; default 2000. */
  connectTimeoutMs?: number;
  /** Statements running longer are cancelled (PostgreSQL's statement_timeout); default 3000. */
  statementTimeoutMs?: number;
  /** Apply pending migrations while opening (default). Without it, see `pendingMigrations()` and `migrate()`. */
  migrate?: boolean;
  /** Told when the server stops answering (queries are then refused at once) and when it answers again. */
  onOutage?: (down: boolean, cause?: unknown) => void;
}

export class PostgresStore extends KyselyStore {
  /** The schema holding the tables. */
  readonly schema: string;
  readonly #options: PostgresStoreOptions;

  constructor(db: Kysely<Database>, schema: string, options: PostgresStoreOptions) {
    super(db, advisoryLockedOrder);
    this.schema = schema;
    this.#options = options;
  }

  /** Assigning a transaction id makes the commit write a WAL record, which fails while the disk is full. */
  override async probeWrite(): Promise<void> {
    await sql`select txid_current()`.execute(this.db);
  }

  override pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db, { migrationTableSchema: this.schema });
  }

  /** Migrates over a connection of its own, free of the statement timeout (the lock may wait for another node). */
  override async migrate(): Promise<string[]> {
    const migrating = new Kysely<Database>({
      dialect: new SchemaScopedPostgresDialect({ pool: createPool(this.#options, 'migrating') }),
    });
    try {
      return await migrateSchema(migrating, this.schema);
    } finally {
      await migrating.destroy();
    }
  }
}

/** Connects, migrates unless told not to (serialised with other processes) and returns the store; `close()` ends the pool. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  checkPoolOptions(options);
  const circuit = new DatabaseCircuit({
    probe: connectionProbe(
      { connectionString: options.connectionString, application_name: 'tollgate-probe' },
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ),
    ...(options.onOutage ? { onChange: options.onOutage } : {}),
  });
  const pool = guardPool(createPool(options), circuit);
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  try {
    const current = await connect(db, options.connectionString);
    const schema = options.schema ?? current;
    if (schema === null) {
      throw new Error('No schema on the PostgreSQL search_path exists; create one or set the store schema option');
    }
    const store = new PostgresStore(db, schema, options);
    if (options.migrate ?? true) await store.migrate();
    return store;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** The first query doubles as the connection check, so a wrong address fails with a clear message. */
async function connect(db: Kysely<Database>, connectionString: string): Promise<string | null> {
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    return rows[0]?.schema ?? null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not connect to PostgreSQL at ${describeLocation(connectionString)}: ${reason}`, {
      cause: error,
    });
  }
}
