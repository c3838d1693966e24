import { type AddApiOptions, type ApiRecord, type ApiStore, Conflict } from '@tollgate/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { decodeBoolean, decodeDpopPolicy, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { ApisTable, Database } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

/** Thrown inside `update`'s transaction to roll back the cleared default when the API does not exist. */
class NoSuchApi extends Error {}

/**
 * How often `add` or `update` looks again after losing the single default to a concurrent add. Each loss means another
 * transaction committed a default meanwhile, so this only runs out under an implausible storm of default adds.
 */
const MAX_DEFAULT_RACES = 20;

type ApiChanges = Partial<Pick<ApiRecord, 'scopes' | 'tokenTtlSeconds' | 'isDefault' | 'dpop'>>;

export class SqlApiStore implements ApiStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * One transaction decides the default and inserts. SQLite runs it under the write lock (BEGIN IMMEDIATE), so the
   * check and the insert are atomic across processes. PostgreSQL's READ COMMITTED does not serialise a
   * check-then-insert, so the single-default index is the arbiter instead: the insert does nothing on any unique
   * conflict (waiting for a concurrent default to commit or roll back), and when the identifier is free the conflict
   * was a default committed after we looked, so we look again, now seeing it (each statement takes a fresh snapshot).
   * An implicit default then steps back; an explicit one clears it and takes its place.
   */
  async add(api: ApiRecord, options: AddApiOptions = {}): Promise<ApiRecord> {
    return this.#db.transaction().execute(async (trx) => {
      for (let attempt = 1; attempt <= MAX_DEFAULT_RACES; attempt++) {
        const stored = {
          ...api,
          isDefault: api.isDefault || (options.defaultIfNone === true && !(await hasDefault(trx))),
        };
        // The old default is cleared before the insert so the single-default index never sees two.
        if (api.isDefault) await clearDefault(trx);
        const result = await trx
          .insertInto('apis')
          .values(toRow(stored))
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirstOrThrow();
        if ((result.numInsertedOrUpdatedRows ?? 0n) > 0n) return stored;
        if (await exists(trx, api.identifier)) {
          throw new Conflict(`An API with identifier ${api.identifier} already exists`);
        }
      }
      throw new Conflict('The record conflicts with an existing one');
    });
  }

  /**
   * Like `add`, clears the old default before setting the new one, in one transaction; if the API turns
   * out not to exist the transaction rolls back, so the previous default stays. On PostgreSQL a default
   * committed by a concurrent transaction after our clear makes our update violate the single-default
   * index (the identifier never changes, so no other unique index can be hit): the whole transaction is
   * then run again, and its clear now sees that default.
   */
  async update(identifier: string, changes: ApiChanges): Promise<ApiRecord | undefined> {
    const set = toChangedColumns(changes);
    if (Object.keys(set).length === 0) return this.get(identifier);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute(async (trx) => {
          if (changes.isDefault === true) await clearDefault(trx, identifier);
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
        if (!isUniqueViolation(error) || attempt >= MAX_DEFAULT_RACES) throw error;
      }
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

async function hasDefault(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('apis').select('identifier').where('is_default', '=', 1).executeTakeFirst();
  return row !== undefined;
}

async function clearDefault(db: Kysely<Database>, except?: string): Promise<void> {
  let query = db.updateTable('apis').set({ is_default: 0 }).where('is_default', '=', 1);
  if (except !== undefined) query = query.where('identifier', '!=', except);
  await query.execute();
}

async function exists(db: Kysely<Database>, identifier: string): Promise<boolean> {
  const row = await db.selectFrom('apis').select('identifier').where('identifier', '=', identifier).executeTakeFirst();
  return row !== undefined;
}

function toChangedColumns(changes: ApiChanges): Updateable<ApisTable> {
  const set: Updateable<ApisTable> = {};
  if (changes.scopes !== undefined) set.scopes = encodeJson(changes.scopes);
  if (changes.tokenTtlSeconds !== undefined) set.token_ttl_seconds = changes.tokenTtlSeconds;
  if (changes.isDefault !== undefined) set.is_default = encodeBoolean(changes.isDefault);
  if (changes.dpop !== undefined) set.dpop = changes.dpop;
  return set;
}

function toRow(api: ApiRecord): ApisTable {
  return {
    identifier: api.identifier,
    scopes: encodeJson(api.scopes),
    is_default: encodeBoolean(api.isDefault),
    token_ttl_seconds: api.tokenTtlSeconds,
    dpop: api.dpop,
    created_at: api.createdAt,
  };
}

function fromRow(row: Selectable<ApisTable>): ApiRecord {
  return {
    identifier: row.identifier,
    scopes: decodeStringList(row.scopes, 'apis.scopes'),
    isDefault: decodeBoolean(row.is_default),
    tokenTtlSeconds: row.token_ttl_seconds,
    dpop: decodeDpopPolicy(row.dpop, 'apis.dpop'),
    createdAt: row.created_at,
  };
}
