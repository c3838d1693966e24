import type { GrantStore, IssuedAccessToken, RefreshTokenFamilyRecord, RefreshTokenRecord } from '@tollgate/core';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { decodeStringList, encodeJson } from '../json-columns.js';
import type { Database, RefreshTokensTable } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';
import { CompiledOnce } from '../compiled-once.js';

/** Thrown inside `rotate`'s transaction to roll it back when another request won the compare-and-set. */
class LostRotationRace extends Error {}

export class SqlGrantStore implements GrantStore {
  readonly #db: Kysely<Database>;
  readonly #order: SequencedWrites;
  readonly #statements = new CompiledOnce();

  constructor(db: Kysely<Database>, order: SequencedWrites) {
    this.#db = db;
    this.#order = order;
  }

  async startFamily(
    family: RefreshTokenFamilyRecord,
    token: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<void> {
    await this.#db.transaction().execute((trx) => insertFamily(trx, family, token, accessToken, this.#statements));
  }

  async findRefreshToken(
    tokenHash: string,
  ): Promise<{ token: RefreshTokenRecord; family: RefreshTokenFamilyRecord } | undefined> {
    const row = await this.#db
      .selectFrom('refresh_tokens as t')
      .innerJoin('refresh_token_families as f', 'f.id', 't.family_id')
      .selectAll('t')
      .select([
        'f.client_id as family_client_id',
        'f.subject as family_subject',
        'f.created_at as family_created_at',
        'f.revoked_at as family_revoked_at',
        'f.dpop_jkt as family_dpop_jkt',
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const family: RefreshTokenFamilyRecord = {
      id: row.family_id,
      clientId: row.family_client_id,
      subject: row.family_subject,
      createdAt: row.family_created_at,
      revokedAt: row.family_revoked_at,
      dpopJkt: row.family_dpop_jkt,
    };
    return { token: fromTokenRow(row), family };
  }

  /**
   * Compare-and-set, in one transaction that begins with a write:
   * 1. `UPDATE refresh_token_families SET revoked_at = NULL WHERE id = ? AND revoked_at IS NULL`: a no-op
   *    that fails when the family is revoked and, on PostgreSQL, row-locks the family so a concurrent
   *    `revokeFamily` waits for this rotation and then sees (and deny-lists) the access token it records.
   * 2. `UPDATE refresh_tokens SET consumed_at = ? WHERE id = ? AND family_id = ? AND consumed_at IS NULL`:
   *    exactly one concurrent caller updates a row (RFC 9700 4.14.2: a refresh token is used once).
   * Either update touching no row rolls everything back and returns false.
   */
  async rotate(
    consumedId: string,
    consumedAt: number,
    next: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<boolean> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        const family = await trx
          .updateTable('refresh_token_families')
          .set({ revoked_at: null })
          .where('id', '=', next.familyId)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (family.numUpdatedRows !== 1n) throw new LostRotationRace();
        const consumed = await trx
          .updateTable('refresh_tokens')
          .set({ consumed_at: consumedAt })
          .where('id', '=', consumedId)
          .where('family_id', '=', next.familyId)
          .where('consumed_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (consumed.numUpdatedRows !== 1n) throw new LostRotationRace();
        await trx.insertInto('refresh_tokens').values(toTokenRow(next)).execute();
        await recordAccessToken(trx, next.familyId, accessToken, this.#statements);
      });
      return true;
    } catch (error) {
      if (error instanceof LostRotationRace) return false;
      throw error;
    }
  }

  /**
   * Marks the family revoked (keeping the first `revoked_at`) and copies its access tokens that are still
   * live at `revokedAt` into the revocation list. The copy runs on every call; ON CONFLICT DO NOTHING
   * makes a repeat harmless and keeps each jti's first revocation record.
   */
  async revokeFamily(familyId: string, revokedAt: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('refresh_token_families')
        .set({ revoked_at: revokedAt })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
      await this.#order.inOrder(trx, (writer) =>
        writer
          .insertInto('revocations')
          .columns(['jti', 'revoked_at', 'expires_at'])
          .expression((eb) =>
            eb
              .selectFrom('family_access_tokens')
              // Typed cast: PostgreSQL would otherwise read a bare parameter in a SELECT list as text.
              .select(['jti', eb.cast<number>(eb.val(revokedAt), 'bigint').as('revoked_at'), 'expires_at'])
              .where('family_id', '=', familyId)
              .where('expires_at', '>', revokedAt),
          )
          .onConflict((oc) => oc.column('jti').doNothing())
          .execute(),
      );
    });
  }

  /** One `revokeFamily` per family, so each keeps its own transaction and the revocations' order. */
  async revokeFamiliesOf(owner: { subject: string } | { clientId: string }, revokedAt: number): Promise<number> {
    const live = this.#db.selectFrom('refresh_token_families').select('id').where('revoked_at', 'is', null);
    const families = await ('subject' in owner
      ? live.where('subject', '=', owner.subject)
      : live.where('client_id', '=', owner.clientId)
    ).execute();
    for (const { id } of families) await this.revokeFamily(id, revokedAt);
    return families.length;
  }

  /**
   * Housekeeping beyond the storage contract (nothing else ever deletes grant rows): drops remembered
   * access tokens that have expired, and whole families once every refresh token in them has expired.
   * A family with a live token is kept whole, so replaying one of its consumed tokens is still detected.
   * Returns how many families were removed.
   */
  async removeExpired(now: number): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('family_access_tokens').where('expires_at', '<=', now).execute();
      const deadFamilies = trx
        .selectFrom('refresh_token_families as f')
        .select('f.id')
        .where(({ exists, not, selectFrom }) =>
          not(
            exists(
              selectFrom('refresh_tokens as t')
                .select('t.id')
                .whereRef('t.family_id', '=', 'f.id')
                .where('t.expires_at', '>', now),
            ),
          ),
        );
      // Children first, explicitly: no reliance on ON DELETE CASCADE being enforced (SQLite's foreign_keys).
      await trx.deleteFrom('family_access_tokens').where('family_id', 'in', deadFamilies).execute();
      await trx.deleteFrom('refresh_tokens').where('family_id', 'in', deadFamilies).execute();
      const removed = await trx
        .deleteFrom('refresh_token_families')
        .where('id', 'in', deadFamilies)
        .executeTakeFirstOrThrow();
      return Number(removed.numDeletedRows);
    });
  }
}

/**
 * A new family with its first refresh token and access token, inside the caller's transaction. `statements`: where
 * the three inserts stay compiled (the grant store's own, on a login's path; a caller without one compiles them).
 */
export async function insertFamily(
  trx: Transaction<Database>,
  family: RefreshTokenFamilyRecord,
  token: RefreshTokenRecord,
  accessToken: IssuedAccessToken,
  statements: CompiledOnce = new CompiledOnce(),
): Promise<void> {
  const familyRow = {
    id: family.id,
    client_id: family.clientId,
    subject: family.subject,
    created_at: family.createdAt,
    revoked_at: family.revokedAt,
    dpop_jkt: family.dpopJkt,
  };
  await statements.insert(trx, 'refresh_token_families', familyRow, () =>
    trx.insertInto('refresh_token_families').values(familyRow),
  );
  const tokenRow = toTokenRow(token);
  await statements.insert(trx, 'refresh_tokens', tokenRow, () => trx.insertInto('refresh_tokens').values(tokenRow));
  await recordAccessToken(trx, family.id, accessToken, statements);
}

async function recordAccessToken(
  trx: Transaction<Database>,
  familyId: string,
  accessToken: IssuedAccessToken,
  statements: CompiledOnce = new CompiledOnce(),
): Promise<void> {
  const row = { jti: accessToken.jti, family_id: familyId, expires_at: accessToken.expiresAt };
  await statements.insert(trx, 'family_access_tokens', row, () => trx.insertInto('family_access_tokens').values(row));
}

function toTokenRow(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    id: token.id,
    token_hash: token.tokenHash,
    family_id: token.familyId,
    client_id: token.clientId,
    subject: token.subject,
    username: token.username,
    scopes: encodeJson(token.scopes),
    audience: token.audience,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    consumed_at: token.consumedAt,
  };
}

function fromTokenRow(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    familyId: row.family_id,
    clientId: row.client_id,
    subject: row.subject,
    username: row.username,
    scopes: decodeStringList(row.scopes, 'refresh_tokens.scopes'),
    audience: row.audience,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
