import type { SessionRecord, SessionStore } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlSessionStore implements SessionStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** A repeated id hash is a `Conflict`: session ids are random, so it never happens by chance. */
  async add(session: SessionRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('sessions')
          .values(toRow(session))
          .onConflict((oc) => oc.column('id_hash').doNothing())
          .executeTakeFirstOrThrow(),
      'A session with this id already exists',
    );
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row && fromRow(row);
  }

  async touch(idHash: string, lastSeenAt: number): Promise<void> {
    await this.#db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
  }

  async remove(idHash: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    return result.numDeletedRows > 0n;
  }

  async removeForUser(userId: string): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }

  async removeExpired(now: number, idleBefore: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
      .executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }
}

function toRow(session: SessionRecord): SessionsTable {
  return {
    id_hash: session.idHash,
    user_id: session.userId,
    csrf_token: session.csrfToken,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
    address: session.address,
  };
}

function fromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    address: row.address,
  };
}
