import type { UserRecord, UserStore } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import { decodeBoolean, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { Database, UsersTable } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlUserStore implements UserStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async add(user: UserRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('users')
          .values(toRow(user))
          .onConflict((oc) => oc.column('username').doNothing())
          .executeTakeFirstOrThrow(),
      `A user named ${user.username} already exists`,
    );
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && fromRow(row);
  }

  async getById(id: string): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(fromRow);
  }

  async remove(username: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('users').where('username', '=', username).executeTakeFirstOrThrow();
    return result.numDeletedRows > 0n;
  }
}

function toRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    scopes: encodeJson(user.scopes),
    disabled: encodeBoolean(user.disabled),
    created_at: user.createdAt,
  };
}

function fromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    scopes: decodeStringList(row.scopes, 'users.scopes'),
    disabled: decodeBoolean(row.disabled),
    createdAt: row.created_at,
  };
}
