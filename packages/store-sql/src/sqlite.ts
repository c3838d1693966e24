/**
 * The SQLite store: one file, shared safely by the server and the CLI running at the same time.
 * Durability: WAL with `synchronous = FULL` fsyncs the log on every commit, so a write whose promise
 * resolved survives kill -9 and power loss (the storage contract's "resolves only once durable").
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { AsyncMutex, acquireFileLock } from './sqlite/async-mutex.js';
import { ImmediateSqliteDialect } from './sqlite/immediate-dialect.js';
import { StatementCache } from './sqlite/statement-cache.js';

/** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const IN_MEMORY = ':memory:';

export interface SqliteStoreOptions {
  /** Path of the database file (its directory is created if missing), or `:memory:` for tests. */
  file: string;
  /** Apply pending migrations while opening (default). Without it, see `pendingMigrations()` and `migrate()`. */
  migrate?: boolean;
}

export class SqliteStore extends KyselyStore {
  readonly file: string;
  readonly #releaseFileLock: () => void;

  constructor(db: Kysely<Database>, file: string, releaseFileLock: () => void) {
    super(db);
    this.file = file;
    this.#releaseFileLock = releaseFileLock;
  }

  /**
   * Rewrites the header's user_version with its own value (Tollgate does not use it): a real commit that
   * appends a page to the WAL, so it fails with SQLITE_FULL while the disk is full, and changes nothing.
   */
  override async probeWrite(): Promise<void> {
    const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(this.db);
    const version = Number(rows[0]?.user_version ?? 0);
    await sql.raw(`pragma user_version = ${Math.trunc(version)}`).execute(this.db);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.#releaseFileLock();
    }
  }
}

/** Opens (creating if needed) and, unless told not to, migrates the database, then returns the store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const inMemory = options.file === IN_MEMORY;
  const database = openDatabase(options.file, inMemory);
  const fileLock = inMemory
    ? { mutex: new AsyncMutex(), release: () => {} }
    : acquireFileLock(realpathSync(options.file));
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: new StatementCache(database) }, fileLock.mutex),
  });
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    fileLock.release();
    throw error;
  }
  return new SqliteStore(db, options.file, fileLock.release);
}

function openDatabase(file: string, inMemory: boolean): BetterSqlite3.Database {
  let database: BetterSqlite3.Database;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
    // `timeout` installs the busy handler before the first pragma, which may itself wait for a lock.
    database = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`Could not open the SQLite database at ${file}: ${describe(error)}`, { cause: error });
  }
  try {
    configure(database, file, inMemory);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

function configure(database: BetterSqlite3.Database, file: string, inMemory: boolean): void {
  if (!inMemory) {
    const mode = database.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new Error(
        `Could not switch the SQLite database at ${file} to WAL (journal mode is ${String(mode)}); ` +
          'Tollgate needs a local filesystem that supports it',
      );
    }
  }
  database.pragma('synchronous = FULL');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('foreign_keys = ON');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
