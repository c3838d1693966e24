import type { ApiRecord, ApiStore } from '@tollgate/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { decodeBoolean, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { ApisTable, Database } from '../schema.js';
import { insertOnce } from './insert-once.js';

/** Thrown inside `update`'s transaction to roll back the cleared default when the API does not exist. */
class NoSuchApi extends Error {}

type ApiChanges = Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault'>>;

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

  /**
   * Like `add`, clears the old default before setting the new one, in one transaction; if the API turns
   * out not to exist the transaction rolls back, so the previous default stays.
   */
  async update(identifier: string, changes: ApiChanges): Promise<ApiRecord | undefined> {
    const set = toChangedColumns(changes);
    if (Object.keys(set).length === 0) return this.get(identifier);
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (changes.isDefault === true) {
          await trx
            .updateTable('apis')
            .set({ is_default: 0 })
            .where('is_default', '=', 1)
            .where('identifier', '!=', identifier)
            .execute();
        }
        const row = await trx
          .updateTable('apis')
          .set(set)
          .where('identifier', '=', identifier)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw new NoSuchApi();
        return fromRow(row);
      });
    } catch (error) {
      if (error instanceof NoSuchApi) return undefined;
      throw error;
    }
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

function toChangedColumns(changes: ApiChanges): Updateable<ApisTable> {
  const set: Updateable<ApisTable> = {};
  if (changes.scopes !== undefined) set.scopes = encodeJson(changes.scopes);
  if (changes.tokenTtlSeconds !== undefined) set.token_ttl_seconds = changes.tokenTtlSeconds;
  if (changes.isDefault !== undefined) set.is_default = encodeBoolean(changes.isDefault);
  return set;
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
