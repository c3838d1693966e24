/**
 * better-sqlite3's database as Kysely's SqliteDialect sees it, with each SQL text compiled once. Kysely's
 * SqliteDriver calls `prepare(sql)` for every query it runs, so SQLite parsed and planned the same handful of
 * statements again on every request: a login's six statements (the user's read, BEGIN IMMEDIATE, the family's
 * three inserts, COMMIT) spent about 7 % of the login's event-loop CPU in `prepare` (perf, cpu-clock, main thread).
 * Statements are kept by their SQL text, the most recently used first, at most `capacity` of them; a statement an
 * open iterator still uses (`busy`, a streamed query) is never handed out again meanwhile: that query gets a
 * statement of its own. SQLite prepares a kept statement again by itself when another process changed the schema.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { TransactionState } from './immediate-dialect.js';

/** better-sqlite3's Statement: `busy` while an iterator runs it, `readonly` when running it cannot write. */
export interface PreparedStatement extends SqliteStatement {
  readonly busy: boolean;
  readonly readonly: boolean;
}

/** What the cache needs of better-sqlite3's Database. */
export interface PreparingDatabase extends TransactionState {
  prepare(sql: string): PreparedStatement;
  close(): unknown;
}

/** Distinct statements kept: the store runs a few dozen; a query built with a varying IN list makes more. */
const DEFAULT_CAPACITY = 256;

export class StatementCache implements SqliteDatabase, TransactionState {
  readonly #database: PreparingDatabase;
  readonly #capacity: number;
  readonly #statements = new Map<string, PreparedStatement>();

  constructor(database: PreparingDatabase, capacity = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('capacity must be an integer >= 1');
    this.#database = database;
    this.#capacity = capacity;
  }

  get inTransaction(): boolean {
    return this.#database.inTransaction;
  }

  prepare(sql: string): PreparedStatement {
    const kept = this.#statements.get(sql);
    if (kept?.busy) return this.#database.prepare(sql);
    if (kept !== undefined) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.#database.prepare(sql);
    if (this.#statements.size >= this.#capacity) {
      const oldest = this.#statements.keys().next();
      if (!oldest.done) this.#statements.delete(oldest.value);
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.#database.close();
  }
}
