import {
  newRevocationEpoch,
  type RevocationPosition,
  type RevocationRecord,
  type RevocationStore,
} from '@tollgate/core';
import { type Kysely, sql } from 'kysely';
import { sqlFlavorOf } from '../migrations/dialect-flavor.js';
import type { Database } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';

/**
 * Adds jtis to the revocation list on `db`, which may be a transaction (API token revocation writes its
 * delete and this in one), in sequence order (see sequenced-writes.ts). ON CONFLICT DO NOTHING: a jti
 * revoked twice keeps its first record and sequence.
 */
/**
 * Rows per INSERT: three bound values each stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters,
 * however many tokens an owner (or a refresh family) had.
 */
const REVOCATION_INSERT_BATCH = 1000;

export async function insertRevocations(
  db: Kysely<Database>,
  order: SequencedWrites,
  jtis: readonly string[],
  revokedAt: number,
  expiresAt: number,
): Promise<void> {
  if (jtis.length === 0) return;
  await order.inOrder(db, async (writer) => {
    for (let start = 0; start < jtis.length; start += REVOCATION_INSERT_BATCH) {
      await writer
        .insertInto('revocations')
        .values(
          jtis
            .slice(start, start + REVOCATION_INSERT_BATCH)
            .map((jti) => ({ jti, revoked_at: revokedAt, expires_at: expiresAt })),
        )
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
    }
  });
}

export class SqlRevocationStore implements RevocationStore {
  readonly #db: Kysely<Database>;
  readonly #order: SequencedWrites;

  constructor(db: Kysely<Database>, order: SequencedWrites) {
    this.#db = db;
    this.#order = order;
  }

  async add(jti: string, revokedAt: number, expiresAt: number): Promise<void> {
    await insertRevocations(this.#db, this.#order, [jti], revokedAt, expiresAt);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const row = await this.#db.selectFrom('revocations').select('jti').where('jti', '=', jti).executeTakeFirst();
    return row !== undefined;
  }

  async listSince(afterSequence: number, now: number, limit: number): Promise<RevocationRecord[]> {
    const rows = await this.#db
      .selectFrom('revocations')
      .select(['sequence', 'jti', 'revoked_at', 'expires_at'])
      .where('sequence', '>', afterSequence)
      .where('expires_at', '>', now)
      .orderBy('sequence')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      sequence: row.sequence,
      jti: row.jti,
      revokedAt: row.revoked_at,
      expiresAt: row.expires_at,
    }));
  }

  async removeExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('revocations').where('expires_at', '<=', now).executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }

  async position(): Promise<RevocationPosition> {
    const [epoch, highestSequence] = await Promise.all([this.#epoch(), highestSequenceOf(this.#db)]);
    return { epoch, highestSequence };
  }

  async recordAt(sequence: number): Promise<RevocationRecord | undefined> {
    const row = await this.#db
      .selectFrom('revocations')
      .select(['sequence', 'jti', 'revoked_at', 'expires_at'])
      .where('sequence', '=', sequence)
      .executeTakeFirst();
    return row && { sequence: row.sequence, jti: row.jti, revokedAt: row.revoked_at, expiresAt: row.expires_at };
  }

  async replaceEpoch(expected: string): Promise<string> {
    await this.#db
      .updateTable('revocation_epoch')
      .set({ epoch: newRevocationEpoch() })
      .where('id', '=', 1)
      .where('epoch', '=', expected)
      .execute();
    return this.#epoch();
  }

  /** What a restore command calls once the restored database is in place: every verifier resyncs. */
  async startNewEpoch(): Promise<string> {
    const epoch = newRevocationEpoch();
    await this.#db
      .insertInto('revocation_epoch')
      .values({ id: 1, epoch })
      .onConflict((oc) => oc.column('id').doUpdateSet({ epoch }))
      .execute();
    return epoch;
  }

  /** The row is made by migration 003; should it be missing (deleted by hand), a new epoch is the safe answer. */
  async #epoch(): Promise<string> {
    const row = await this.#db.selectFrom('revocation_epoch').select('epoch').where('id', '=', 1).executeTakeFirst();
    if (row !== undefined) return row.epoch;
    await this.#db
      .insertInto('revocation_epoch')
      .values({ id: 1, epoch: newRevocationEpoch() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return this.#epoch();
  }
}

/**
 * The highest sequence ever handed out, purged rows included: the counter behind the sequence column
 * (migrations/dialect-flavor.ts), which a restore brings back to the backup's value. 0 before the first.
 */
async function highestSequenceOf(db: Kysely<Database>): Promise<number> {
  const query =
    sqlFlavorOf(db) === 'postgres'
      ? sql<{ highest: string | number | null }>`
          select pg_sequence_last_value(pg_get_serial_sequence('revocations', 'sequence')::regclass) as highest`
      : sql<{ highest: string | number | null }>`select seq as highest from sqlite_sequence where name = 'revocations'`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.highest ?? 0);
}
