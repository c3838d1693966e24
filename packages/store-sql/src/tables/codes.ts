import type { AuthorizationCodeRecord, AuthorizationCodeStore, CodeRedemption } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import { decodeStringList, encodeJson } from '../json-columns.js';
import type { AuthorizationCodesTable, Database } from '../schema.js';
import { insertFamily } from './grants.js';
import { insertOnce } from './insert-once.js';

/** Thrown inside `redeem`'s transaction to roll it back when another redemption won. */
class LostRedemptionRace extends Error {}

export class SqlAuthorizationCodeStore implements AuthorizationCodeStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async add(code: AuthorizationCodeRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('authorization_codes')
          .values(toRow(code))
          .onConflict((oc) => oc.column('code_hash').doNothing())
          .executeTakeFirstOrThrow(),
      'An authorization code with that hash already exists',
    );
  }

  async find(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const row = await this.#db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /**
   * `UPDATE ... SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL` touches a row for exactly one of
   * concurrent callers (RFC 6749 4.1.2: a code is used once); the family is inserted in the same transaction, so
   * a replay that sees the code consumed also finds the family to revoke.
   */
  async redeem(codeHash: string, consumedAt: number, redemption: CodeRedemption): Promise<boolean> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        const consumed = await trx
          .updateTable('authorization_codes')
          .set({
            consumed_at: consumedAt,
            issued_jti: redemption.accessToken.jti,
            issued_expires_at: redemption.accessToken.expiresAt,
            family_id: redemption.family?.family.id ?? null,
          })
          .where('code_hash', '=', codeHash)
          .where('consumed_at', 'is', null)
          .executeTakeFirstOrThrow();
        if (consumed.numUpdatedRows !== 1n) throw new LostRedemptionRace();
        if (redemption.family !== null) {
          await insertFamily(trx, redemption.family.family, redemption.family.token, redemption.accessToken);
        }
      });
      return true;
    } catch (error) {
      if (error instanceof LostRedemptionRace) return false;
      throw error;
    }
  }

  async removeExpired(before: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('authorization_codes')
      .where('expires_at', '<', before)
      .executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }
}

function toRow(code: AuthorizationCodeRecord): AuthorizationCodesTable {
  return {
    code_hash: code.codeHash,
    client_id: code.clientId,
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    subject: code.subject,
    username: code.username,
    scopes: encodeJson(code.scopes),
    audience: code.audience,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
    issued_jti: code.issued?.accessToken.jti ?? null,
    issued_expires_at: code.issued?.accessToken.expiresAt ?? null,
    family_id: code.issued?.familyId ?? null,
  };
}

function fromRow(row: Selectable<AuthorizationCodesTable>): AuthorizationCodeRecord {
  const issued =
    row.issued_jti === null || row.issued_expires_at === null
      ? null
      : { accessToken: { jti: row.issued_jti, expiresAt: row.issued_expires_at }, familyId: row.family_id };
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    subject: row.subject,
    username: row.username,
    scopes: decodeStringList(row.scopes, 'authorization_codes.scopes'),
    audience: row.audience,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    issued,
  };
}
