/**
 * The SQLite store: one file, shared safely by the server and the CLI running at the same time.
 * Durability: WAL, with the log synced after every write on libuv's thread pool before the write's promise
 * resolves (sqlite/durable-writes.ts), so a write whose promise resolved survives kill -9 and power loss (the
 * storage contract's "resolves only once durable"), and the sync never holds the event loop.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { AsyncMutex, acquireFileLock } from './sqlite/async-mutex.js';
import { type Durability, WalFileSync, WriteTrackingDatabase } from './sqlite/durable-writes.js';
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
  readonly #release: () => void;

  /** `release` runs once the database is closed: it gives back the file lock and the log's descriptor. */
  constructor(db: Kysely<Database>, file: string, release: () => void) {
    super(db);
    this.file = file;
    this.#release = release;
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
      this.#release();
    }
  }
}

/** Opens (creating if needed) and, unless told not to, migrates the database, then returns the store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const inMemory = options.file === IN_MEMORY;
  const database = openDatabase(options.file, inMemory);
  const path = inMemory ? undefined : realpathSync(options.file);
  const fileLock = path === undefined ? { mutex: new AsyncMutex(), release: () => {} } : acquireFileLock(path);
  // An in-memory database has no log to sync, and nothing of it outlives the process anyway.
  const walSync = path === undefined ? undefined : new WalFileSync(mainDatabaseFile(database));
  const statements = new StatementCache(database);
  let durability: Durability | undefined;
  if (walSync !== undefined) durability = { database: new WriteTrackingDatabase(statements), sync: walSync.sync };
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: durability?.database ?? statements }, fileLock.mutex, durability),
  });
  const release = (): void => {
    walSync?.close();
    fileLock.release();
  };
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    release();
    throw error;
  }
  return new SqliteStore(db, options.file, release);
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
  // NORMAL: SQLite leaves the log's sync at commit to the store, which does it off the event loop (see the top).
  database.pragma('synchronous = NORMAL');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('foreign_keys = ON');
}

/** The file as SQLite names it (symbolic links resolved): SQLite's log is this name with `-wal` appended. */
function mainDatabaseFile(database: BetterSqlite3.Database): string {
  const databases = database.pragma('database_list') as { name: string; file: string }[];
  const main = databases.find((entry) => entry.name === 'main');
  if (main === undefined || main.file === '') throw new Error('SQLite reports no file for the main database');
  return main.file;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
