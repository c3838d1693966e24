/**
 * A storage adapter for oidc-provider on SQLite (better-sqlite3), so the peer stores its tokens the way Tollgate
 * does on SQLite: one file, WAL, synchronous = FULL. It implements oidc-provider's documented adapter interface
 * (upsert, find, findByUid, findByUserCode, consume, destroy, revokeByGrantId) over one table keyed by
 * (model, id); expired rows are never returned. Only the benchmark uses it.
 */
import Database from 'better-sqlite3';

export interface AdapterPayload {
  [claim: string]: unknown;
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: unknown;
}

interface Row {
  payload: string;
  consumed_at: number | null;
}

const SCHEMA = `
  create table if not exists oidc_model (
    model text not null,
    id text not null,
    payload text not null,
    grant_id text,
    user_code text,
    uid text,
    expires_at integer,
    consumed_at integer,
    primary key (model, id)
  );
  create index if not exists oidc_model_grant on oidc_model (grant_id);
  create index if not exists oidc_model_user_code on oidc_model (model, user_code);
  create index if not exists oidc_model_uid on oidc_model (model, uid);
`;

const nowSeconds = () => Math.floor(Date.now() / 1000);

export type AdapterFactory = (model: string) => SqliteAdapter;

/** Opens (and creates when new) the database file; every model shares it. */
export function openSqliteAdapters(file: string): { factory: AdapterFactory; close(): void } {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.exec(SCHEMA);
  return { factory: (model) => new SqliteAdapter(database, model), close: () => database.close() };
}

export class SqliteAdapter {
  readonly #statements;

  constructor(
    database: Database.Database,
    readonly model: string,
  ) {
    const live = 'model = ? and (expires_at is null or expires_at > ?)';
    this.#statements = {
      upsert: database.prepare(
        `insert into oidc_model (model, id, payload, grant_id, user_code, uid, expires_at) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
      ),
      find: database.prepare<[string, number, string], Row>(
        `select payload, consumed_at from oidc_model where ${live} and id = ?`,
      ),
      findByUid: database.prepare<[string, number, string], Row>(
        `select payload, consumed_at from oidc_model where ${live} and uid = ?`,
      ),
      findByUserCode: database.prepare<[string, number, string], Row>(
        `select payload, consumed_at from oidc_model where ${live} and user_code = ?`,
      ),
      consume: database.prepare('update oidc_model set consumed_at = ? where model = ? and id = ?'),
      destroy: database.prepare('delete from oidc_model where model = ? and id = ?'),
      revokeByGrantId: database.prepare('delete from oidc_model where grant_id = ?'),
    };
  }

  async upsert(id: string, payload: AdapterPayload, expiresInSeconds?: number): Promise<void> {
    const expiresAt = expiresInSeconds === undefined ? null : nowSeconds() + expiresInSeconds;
    const { grantId = null, userCode = null, uid = null } = payload;
    this.#statements.upsert.run(this.model, id, JSON.stringify(payload), grantId, userCode, uid, expiresAt);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return payloadOf(this.#statements.find.get(this.model, nowSeconds(), id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return payloadOf(this.#statements.findByUid.get(this.model, nowSeconds(), uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return payloadOf(this.#statements.findByUserCode.get(this.model, nowSeconds(), userCode));
  }

  async consume(id: string): Promise<void> {
    this.#statements.consume.run(nowSeconds(), this.model, id);
  }

  async destroy(id: string): Promise<void> {
    this.#statements.destroy.run(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.#statements.revokeByGrantId.run(grantId);
  }
}

function payloadOf(row: Row | undefined): AdapterPayload | undefined {
  if (row === undefined) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
}
