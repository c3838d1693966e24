/**
 * Commits made durable off the event loop. With `synchronous = FULL`, SQLite fsyncs the write-ahead log inside
 * COMMIT, and better-sqlite3 runs COMMIT on the event loop: every write held the whole process (token and
 * introspection requests included) for as long as the disk took, 0.5 ms at the median and 40 ms at the p99 under
 * load here. The store runs `synchronous = NORMAL` instead, where SQLite writes the log's frames without syncing
 * them (still safe against corruption: it syncs before and after every checkpoint), and syncs the log itself,
 * with `fdatasync` on libuv's thread pool, before the connection is handed back, so before the write's promise
 * resolves. A write that returned success is on disk as under FULL, and nobody in this process reads it before
 * then: the connection, and with it every query of this process on the file, waits for the sync.
 *
 * fsync flushes a file (an inode), whichever descriptor names it, so a descriptor of our own on the `-wal` file
 * syncs the frames SQLite wrote through its own. SQLite never deletes or replaces the log while a connection is
 * open (it truncates or rewrites it in place), so the descriptor stays valid until the store closes.
 */
import { closeSync, constants, fdatasync, openSync } from 'node:fs';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements that only open or close a transaction: they change nothing by themselves. */
const TRANSACTION_CONTROL = /^\s*(?:begin|commit|end|rollback|savepoint|release)\b/i;

/** Makes what has been written to the log so far durable. */
export type LogSync = () => Promise<void>;

/** A file's writes made durable after the fact: which statements wrote, and how to sync the log. */
export interface Durability {
  database: WriteTrackingDatabase;
  sync: LogSync;
}

/** What the store needs of better-sqlite3's Statement: whether running it may change the database. */
interface MaybeWritingStatement extends SqliteStatement {
  readonly readonly: boolean;
}

interface TrackedDatabase extends SqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): MaybeWritingStatement;
}

/**
 * The database as the dialect sees it, noting whether a statement that may write was handed out. Kysely runs a
 * statement as soon as it prepares it, so "prepared" stands for "ran": a write that failed costs one sync for
 * nothing, never a missed one. `readonly` is SQLite's own verdict (sqlite3_stmt_readonly): an INSERT ... RETURNING
 * writes, whatever rows it returns. It calls BEGIN IMMEDIATE a write, as it takes the write lock; the statements
 * that follow it say whether the transaction wrote.
 */
export class WriteTrackingDatabase implements SqliteDatabase {
  readonly #database: TrackedDatabase;
  #wrote = false;

  constructor(database: TrackedDatabase) {
    this.#database = database;
  }

  get inTransaction(): boolean {
    return this.#database.inTransaction;
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.#database.prepare(sql);
    if (!statement.readonly && !TRANSACTION_CONTROL.test(sql)) this.#wrote = true;
    return statement;
  }

  /** Whether a write ran since the last call, which clears it. */
  takeWrote(): boolean {
    const wrote = this.#wrote;
    this.#wrote = false;
    return wrote;
  }

  close(): void {
    this.#database.close();
  }
}

/** `fdatasync` of the database's `-wal` file, through a descriptor opened at the first sync and kept. */
export class WalFileSync {
  readonly #walPath: string;
  #descriptor: number | undefined;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  readonly sync: LogSync = () => {
    // Opened read-only: Linux syncs a file through any descriptor of it, and this one never writes.
    this.#descriptor ??= openSync(this.#walPath, constants.O_RDONLY);
    const descriptor = this.#descriptor;
    return new Promise((resolve, reject) => {
      fdatasync(descriptor, (error) => (error === null ? resolve() : reject(asSqliteError(error))));
    });
  };

  close(): void {
    if (this.#descriptor === undefined) return;
    closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }
}

/**
 * The failure as SQLite reports a failed sync under FULL, so callers tell "disk full" (SQLITE_FULL, which passes
 * once space is freed) from an I/O error as before: ENOSPC and EDQUOT can surface at the sync, when the file
 * system allocates the blocks it deferred.
 */
function asSqliteError(error: NodeJS.ErrnoException): Error {
  const full = error.code === 'ENOSPC' || error.code === 'EDQUOT';
  const code = full ? 'SQLITE_FULL' : 'SQLITE_IOERR_FSYNC';
  const message = full ? 'database or disk is full' : 'disk I/O error';
  return Object.assign(
    new Error(`${message} (syncing the write-ahead log: ${error.code ?? error.message})`, { cause: error }),
    {
      code,
    },
  );
}
