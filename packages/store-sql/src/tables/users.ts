import type { UserRecord, UserStore } from '@tollgate/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { decodeBoolean, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { Database, UsersTable } from '../schema.js';
import { insertOnce } from './insert-once.js';
import { CompiledOnce } from '../compiled-once.js';

export class SqlUserStore implements UserStore {
  readonly #db: Kysely<Database>;
  /** The read by username stays compiled: it runs on every login. */
  readonly #statements = new CompiledOnce();

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
    const { rows } = await this.#statements.run(this.#db, 'users by username', [username], () =>
      this.#db.selectFrom('users').selectAll().where('username', '=', username),
    );
    const row = rows[0];
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

  /** One UPDATE ... RETURNING, so the record returned is exactly the row as written. */
  async update(id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const set = toChangedColumns(changes);
    if (Object.keys(set).length === 0) return this.getById(id);
    const row = await this.#db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row && fromRow(row);
  }
}

type UserChanges = Partial<Pick<UserRecord, 'passwordHash' | 'scopes' | 'disabled' | 'isAdmin'>>;

function toChangedColumns(changes: UserChanges): Updateable<UsersTable> {
  const set: Updateable<UsersTable> = {};
  if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
  if (changes.scopes !== undefined) set.scopes = encodeJson(changes.scopes);
  if (changes.disabled !== undefined) set.disabled = encodeBoolean(changes.disabled);
  if (changes.isAdmin !== undefined) set.is_admin = encodeBoolean(changes.isAdmin);
  return set;
}

function toRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    scopes: encodeJson(user.scopes),
    disabled: encodeBoolean(user.disabled),
    is_admin: encodeBoolean(user.isAdmin),
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
    isAdmin: decodeBoolean(row.is_admin),
    createdAt: row.created_at,
  };
}
