/**
 * Kysely's SqliteDialect with two changes that make several processes on one file safe:
 * - transactions start with `BEGIN IMMEDIATE` instead of Kysely's plain (deferred) `BEGIN`. A deferred
 *   transaction that reads and then writes in WAL mode gets SQLITE_BUSY at the write without waiting if
 *   another process committed meanwhile; an immediate one takes the write lock first, honouring
 *   busy_timeout. Every transaction the store runs writes, so none loses anything by this.
 * - the adapter reports transactional DDL, which SQLite has (Kysely's SqliteAdapter reports none),
 *   so the Migrator runs all pending migrations in one immediate transaction: a failed migration rolls
 *   back, and two processes starting on a fresh file migrate one after the other.
 * - a rollback after SQLite already rolled the transaction back itself (it does on SQLITE_FULL, IOERR,
 *   NOMEM and some BUSY: https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A
 *   Transaction") is skipped. Kysely rolls back on every failure and rethrows the original error only if
 *   the rollback succeeds; otherwise `cannot rollback - no transaction is active` replaced the real cause.
 * Connections are also serialised through a per-file mutex shared by the stores of this process. When the store
 * is given a log sync (durable-writes.ts), a connection that wrote is handed back only once the log is synced.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { AsyncMutex } from './async-mutex.js';
import type { Durability } from './durable-writes.js';

/** better-sqlite3's view of whether a transaction is open on the connection. */
export interface TransactionState {
  readonly inTransaction: boolean;
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: TransactionState };
  readonly #fileLock: AsyncMutex;
  readonly #durability: Durability | undefined;

  /** `durability`, when given, must wrap the very database `config` names. */
  constructor(
    config: SqliteDialectConfig & { database: TransactionState },
    fileLock: AsyncMutex,
    durability?: Durability,
  ) {
    super(config);
    this.#config = config;
    this.#fileLock = fileLock;
    this.#durability = durability;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#fileLock, this.#durability);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #fileLock: AsyncMutex;
  readonly #database: TransactionState;
  readonly #durability: Durability | undefined;

  constructor(
    config: SqliteDialectConfig & { database: TransactionState },
    fileLock: AsyncMutex,
    durability: Durability | undefined,
  ) {
    super(config);
    this.#fileLock = fileLock;
    this.#database = config.database;
    this.#durability = durability;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#fileLock.lock();
    try {
      return await super.acquireConnection();
    } catch (error) {
      this.#fileLock.unlock();
      throw error;
    }
  }

  override async releaseConnection(): Promise<void> {
    try {
      // Kysely resolves the caller's promise only after this: a write is reported done once it is on disk. A
      // failed sync fails the write the caller is waiting for, as a failed COMMIT would under synchronous=FULL.
      const durability = this.#durability;
      if (durability !== undefined && !this.#database.inTransaction && durability.database.takeWrote()) {
        await durability.sync();
      }
    } finally {
      try {
        await super.releaseConnection();
      } finally {
        this.#fileLock.unlock();
      }
    }
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#database.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
