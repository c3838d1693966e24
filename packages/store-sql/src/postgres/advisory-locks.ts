/**
 * Advisory locks Tollgate takes on PostgreSQL. Keys use the two-integer form (a lock class and
 * `hashtext(schema)`), so stores in different schemas of one database never wait for each other.
 * The classes are arbitrary constants ("tol" + a digit) chosen to stay clear of other applications.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';

/** Held (session-level) while one process creates or upgrades a schema. */
export const MIGRATION_LOCK_CLASS = 0x746f6c30;
/** Held (transaction-level) by every transaction that inserts into `revocations`. */
export const REVOCATION_LOCK_CLASS = 0x746f6c31;

export function lockKey(lockClass: number, schema: string | RawBuilder<string>): RawBuilder<unknown> {
  return sql`${sql.lit(lockClass)}, hashtext(${schema})`;
}

/**
 * An identity value is taken when a row is inserted but becomes visible only at commit, so without this
 * a transaction holding sequence 5 could commit after one holding 6, and a verifier that had already read
 * 6 would never see 5. Each revocation-writing transaction therefore takes this lock right before its
 * insert and keeps it until commit: sequences are assigned and made visible one transaction at a time.
 * PostgreSQL makes a transaction visible before releasing its locks, so the next writer's sequences
 * are always higher than everything already visible. The lock comes after any row locks the transaction
 * takes and nothing is locked after it, so it cannot close a deadlock cycle.
 * `audit_events` ids come from an identity column too but are not locked: the log is read newest first
 * by people paging back with `before`, not followed by a cursor that must never skip, and serialising
 * every audited request would cost more than an event showing up on a page read a moment later.
 */
export const advisoryLockedOrder: SequencedWrites = {
  async inOrder(db, write) {
    if (db.isTransaction) {
      await lockRevocations(db);
      return write(db);
    }
    return db.transaction().execute(async (trx) => {
      await lockRevocations(trx);
      return write(trx);
    });
  },
};

async function lockRevocations(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${lockKey(REVOCATION_LOCK_CLASS, sql<string>`current_schema()`)})`.execute(
    trx,
  );
}
