import type { ApiRecord, ApiStore } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import { decodeBoolean, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { ApisTable, Database } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlApiStore implements ApiStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The old default is cleared before the insert so the "single default" index never sees two. */
  async add(api: ApiRecord): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      if (api.isDefault) {
        await trx.updateTable('apis').set({ is_default: 0 }).where('is_default', '=', 1).execute();
      }
      await insertOnce(
        () =>
          trx
            .insertInto('apis')
            .values(toRow(api))
            .onConflict((oc) => oc.column('identifier').doNothing())
            .executeTakeFirstOrThrow(),
        `An API with identifier ${api.identifier} already exists`,
      );
    });
  }

  async get(identifier: string): Promise<ApiRecord | undefined> {
    const row = await this.#db.selectFrom('apis').selectAll().where('identifier', '=', identifier).executeTakeFirst();
    return row && fromRow(row);
  }

  async getDefault(): Promise<ApiRecord | undefined> {
    const row = await this.#db.selectFrom('apis').selectAll().where('is_default', '=', 1).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ApiRecord[]> {
    const rows = await this.#db.selectFrom('apis').selectAll().orderBy('identifier').execute();
    return rows.map(fromRow);
  }

  async remove(identifier: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('apis').where('identifier', '=', identifier).executeTakeFirstOrThrow();
    return result.numDeletedRows > 0n;
  }
}

function toRow(api: ApiRecord): ApisTable {
  return {
    identifier: api.identifier,
    scopes: encodeJson(api.scopes),
    is_default: encodeBoolean(api.isDefault),
    token_ttl_seconds: api.tokenTtlSeconds,
    created_at: api.createdAt,
  };
}

function fromRow(row: Selectable<ApisTable>): ApiRecord {
  return {
    identifier: row.identifier,
    scopes: decodeStringList(row.scopes, 'apis.scopes'),
    isDefault: decodeBoolean(row.is_default),
    tokenTtlSeconds: row.token_ttl_seconds,
    createdAt: row.created_at,
  };
}
