import type {
  ApiTokenOwnerKind,
  ApiTokenRecord,
  ApiTokenRecordChanges,
  ApiTokenStore,
  ApiTokenUsageEntry,
  ApiTokenUsageRow,
  CreditConsumption,
} from '@tollgate/core';
import { Conflict } from '@tollgate/core';
import type { Kysely } from 'kysely';
import { type SqlFlavor, sqlFlavorOf } from '../migrations/dialect-flavor.js';
import type { ApiTokensTable, Database } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';
import { isUniqueViolation } from '../unique-violation.js';
import { consumeTokenCredits } from './api-token-credits.js';
import { creditColumns, rateLimitColumns } from './api-token-quota-rows.js';
import { fromTokenRow, toTokenRow } from './api-token-rows.js';
import { clearPrevious, endDueGracePeriods, regenerateRow } from './api-token-regenerate.js';
import { applyUsage, selectUsage } from './api-token-usage.js';
import { insertOnce } from './insert-once.js';
import { insertRevocations } from './revocations.js';
import { encodeJson } from '../json-columns.js';

/** Thrown inside `regenerate`'s transaction to roll it back when the compare-and-set finds no match. */
class LostRegenerationRace extends Error {}

export class SqlApiTokenStore implements ApiTokenStore {
  readonly #db: Kysely<Database>;
  readonly #order: SequencedWrites;
  readonly #flavor: SqlFlavor;

  constructor(db: Kysely<Database>, order: SequencedWrites) {
    this.#db = db;
    this.#order = order;
    this.#flavor = sqlFlavorOf(db);
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
    return this.#findBySecret(['token_hash', 'previous_token_hash'], tokenHash);
  }

  async findByJti(jti: string): Promise<ApiTokenRecord | undefined> {
    return this.#findBySecret(['jti', 'previous_jti'], jti);
  }

  /** The token whose current or previous secret has `value` in the given pair of columns (both indexed). */
  async #findBySecret(
    [current, previous]: ['token_hash', 'previous_token_hash'] | ['jti', 'previous_jti'],
    value: string,
  ): Promise<ApiTokenRecord | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where((eb) => eb.or([eb(current, '=', value), eb(previous, '=', value)]))
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

  async regenerate(
    id: string,
    expectedHash: string,
    next: { tokenHash: string; jti: string; graceEndsAt: number | null },
    at: number,
    revocationExpiresAt: number,
  ): Promise<ApiTokenRecord | undefined> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const result = await regenerateRow(trx, id, expectedHash, next, at);
        if (result === undefined) throw new LostRegenerationRace();
        await insertRevocations(trx, this.#order, result.revokedJtis, at, revocationExpiresAt);
        return fromTokenRow(result.row);
      });
    } catch (error) {
      if (error instanceof LostRegenerationRace) return undefined;
      if (isUniqueViolation(error))
        throw new Conflict('The new token conflicts with an existing one', { cause: error });
      throw error;
    }
  }

  async endGracePeriods(now: number, revocationExpiresAt: number): Promise<number> {
    return endDueGracePeriods(this.#db, this.#order, now, revocationExpiresAt);
  }

  async revokePrevious(
    id: string,
    previousJti: string,
    revokedAt: number,
    revocationExpiresAt: number,
  ): Promise<boolean> {
    return clearPrevious(this.#db, this.#order, { id, jti: previousJti }, revokedAt, revocationExpiresAt);
  }

  async update(id: string, changes: ApiTokenRecordChanges): Promise<ApiTokenRecord | undefined> {
    const set: Partial<ApiTokensTable> = {};
    if (changes.metadata !== undefined) set.metadata = encodeJson(changes.metadata);
    if (changes.externalId !== undefined) set.external_id = changes.externalId;
    if (changes.credits !== undefined) Object.assign(set, creditColumns(changes.credits));
    if (changes.rateLimit !== undefined) Object.assign(set, rateLimitColumns(changes.rateLimit));
    if (Object.keys(set).length === 0) return this.get(id);
    const row = await this.#db
      .updateTable('api_tokens')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && fromTokenRow(row);
  }

  async consumeCredits(id: string, cost: number, now: number): Promise<CreditConsumption | undefined> {
    return consumeTokenCredits(this.#db, this.#flavor, { id, cost, now });
  }

  /** DELETE ... RETURNING hands back exactly the row removed, whose jti then joins the revocation list. */
  async revoke(id: string, revokedAt: number, revocationExpiresAt: number): Promise<ApiTokenRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('api_tokens').where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) return undefined;
      const token = fromTokenRow(row);
      await insertRevocations(trx, this.#order, jtisOf(token), revokedAt, revocationExpiresAt);
      return token;
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
        .returning(['jti', 'previous_jti'])
        .execute();
      await insertRevocations(
        trx,
        this.#order,
        rows.flatMap((row) => (row.previous_jti === null ? [row.jti] : [row.jti, row.previous_jti])),
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

function jtisOf(token: ApiTokenRecord): string[] {
  return token.previous === null ? [token.jti] : [token.jti, token.previous.jti];
}
