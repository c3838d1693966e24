import type { KeyStore, SigningKeyRecord } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import { decodeObject, encodeJson } from '../json-columns.js';
import type { Database, SigningKeysTable } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlKeyStore implements KeyStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * Newest first. `createdAt` has one-second resolution, so within the same second the key that still
   * signs (`retired_at` NULL) comes first; `nulls first` is spelled out because SQLite and PostgreSQL
   * order NULLs differently by default.
   */
  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.#db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('retired_at', (ob) => ob.desc().nullsFirst())
      .orderBy('kid', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  async rotate(newKey: SigningKeyRecord, retiredKeysExpireAt: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ retired_at: newKey.activatesAt, expires_at: retiredKeysExpireAt })
        .where('retired_at', 'is', null)
        .execute();
      await insertOnce(
        () =>
          trx
            .insertInto('signing_keys')
            .values(toRow(newKey))
            .onConflict((oc) => oc.column('kid').doNothing())
            .executeTakeFirstOrThrow(),
        `A signing key with kid ${newKey.kid} already exists`,
      );
    });
  }

  async withdraw(kid: string, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('signing_keys')
      .set({ retired_at: now, expires_at: now })
      .where('kid', '=', kid)
      .executeTakeFirstOrThrow();
    return Number(result.numUpdatedRows) > 0;
  }

  async removeExpired(now: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('signing_keys')
      .where('retired_at', 'is not', null)
      .where('expires_at', '<=', now)
      .executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }
}

function toRow(key: SigningKeyRecord): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: encodeJson(key.publicJwk),
    encrypted_private_key: key.encryptedPrivateKey,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    retired_at: key.retiredAt,
    expires_at: key.expiresAt,
  };
}

function fromRow(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    // Only `rotate` writes this column, and it takes a `SigningAlgorithm`.
    alg: row.alg as SigningKeyRecord['alg'],
    publicJwk: decodeObject(row.public_jwk, 'signing_keys.public_jwk'),
    encryptedPrivateKey: row.encrypted_private_key,
    createdAt: row.created_at,
    activatesAt: row.activates_at ?? row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}
