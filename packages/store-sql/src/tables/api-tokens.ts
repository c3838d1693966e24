import type {
  ApiTokenOwnerKind,
  ApiTokenRecord,
  ApiTokenStore,
  ApiTokenUsageEntry,
  ApiTokenUsageRow,
} from '@tollgate/core';
import { Conflict } from '@tollgate/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';
import { isUniqueViolation } from '../unique-violation.js';
import { fromTokenRow, toTokenRow } from './api-token-rows.js';
import { applyUsage, selectUsage } from './api-token-usage.js';
import { insertOnce } from './insert-once.js';
import { insertRevocations } from './revocations.js';

/** Thrown inside `regenerate`'s transaction to roll it back when the compare-and-set finds no match. */
class LostRegenerationRace extends Error {}

export class SqlApiTokenStore implements ApiTokenStore {
  readonly #db: Kysely<Database>;
  readonly #order: SequencedWrites;

  constructor(db: Kysely<Database>, order: SequencedWrites) {
    this.#db = db;
    this.#order = order;
  }

  /** A duplicate id names itself; a duplicate hash or jti is a neutral `Conflict` (see insert-once.ts). */
  async add(token: ApiTokenRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('api_tokens')
          .values(toTokenRow(token))
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirstOrThrow(),
      `An API token with id ${token.id} already exists`,
    );
  }

  async get(id: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromTokenRow(row);
  }

  async findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && fromTokenRow(row);
  }

  async listByOwner(ownerKind: ApiTokenOwnerKind, ownerId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('owner_kind', '=', ownerKind)
      .where('owner_id', '=', ownerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromTokenRow);
  }

  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.#db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(fromTokenRow);
  }

  /**
   * Compare-and-set in one transaction: read the old jti, then `UPDATE ... WHERE id = ? AND token_hash = ?`.
   * Exactly one of two concurrent regenerations updates a row (on PostgreSQL the loser waits for the row
   * lock, re-checks the hash and matches nothing); the loser rolls back and returns undefined. Hash and jti
   * only ever change together, so a row still holding `expectedHash` still holds the jti read first.
   */
  async regenerate(
    id: string,
    expectedHash: string,
    next: { tokenHash: string; jti: string },
    at: number,
    revocationExpiresAt: number,
  ): Promise<ApiTokenRecord | undefined> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const old = await trx
          .selectFrom('api_tokens')
          .select('jti')
          .where('id', '=', id)
          .where('token_hash', '=', expectedHash)
          .executeTakeFirst();
        if (old === undefined) throw new LostRegenerationRace();
        const row = await trx
          .updateTable('api_tokens')
          .set({ token_hash: next.tokenHash, jti: next.jti, regenerated_at: at })
          .where('id', '=', id)
          .where('token_hash', '=', expectedHash)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw new LostRegenerationRace();
        await insertRevocations(trx, this.#order, [old.jti], at, revocationExpiresAt);
        return fromTokenRow(row);
      });
    } catch (error) {
      if (error instanceof LostRegenerationRace) return undefined;
      if (isUniqueViolation(error))
        throw new Conflict('The new token conflicts with an existing one', { cause: error });
      throw error;
    }
  }

  /** DELETE ... RETURNING hands back exactly the row removed, whose jti then joins the revocation list. */
  async revoke(id: string, revokedAt: number, revocationExpiresAt: number): Promise<ApiTokenRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('api_tokens').where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) return undefined;
      await insertRevocations(trx, this.#order, [row.jti], revokedAt, revocationExpiresAt);
      return fromTokenRow(row);
    });
  }

  async revokeAllOf(
    ownerKind: ApiTokenOwnerKind,
    ownerId: string,
    revokedAt: number,
    revocationExpiresAt: number,
  ): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx
        .deleteFrom('api_tokens')
        .where('owner_kind', '=', ownerKind)
        .where('owner_id', '=', ownerId)
        .returning('jti')
        .execute();
      await insertRevocations(
        trx,
        this.#order,
        rows.map((row) => row.jti),
        revokedAt,
        revocationExpiresAt,
      );
      return rows.length;
    });
  }

  async recordUsage(entries: readonly ApiTokenUsageEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      for (const entry of entries) await applyUsage(trx, entry);
    });
  }

  async listUsage(filter: { fromDay: string; tokenId?: string; api?: string }): Promise<ApiTokenUsageRow[]> {
    return selectUsage(this.#db, filter);
  }
}
