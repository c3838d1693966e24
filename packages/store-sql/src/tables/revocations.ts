import type { RevocationRecord, RevocationStore } from '@tollgate/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class SqlRevocationStore implements RevocationStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** ON CONFLICT DO NOTHING: a second revocation of the same jti keeps the first record and sequence. */
  async add(jti: string, revokedAt: number, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('revocations')
      .values({ jti, revoked_at: revokedAt, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
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
}
