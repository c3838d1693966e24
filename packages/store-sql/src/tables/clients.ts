import type { ClientRecord, ClientStore, GrantType } from '@tollgate/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { decodeBoolean, decodeDpopPolicy, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { ClientsTable, Database } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlClientStore implements ClientStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async add(client: ClientRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('clients')
          .values(toRow(client))
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirstOrThrow(),
      `A client with id ${client.id} already exists`,
    );
  }

  async get(id: string): Promise<ClientRecord | undefined> {
    const row = await this.#db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ClientRecord[]> {
    const rows = await this.#db.selectFrom('clients').selectAll().orderBy('id').execute();
    return rows.map(fromRow);
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('clients').where('id', '=', id).executeTakeFirstOrThrow();
    return result.numDeletedRows > 0n;
  }

  /** One UPDATE ... RETURNING, so the record returned is exactly the row as written. */
  async update(id: string, changes: ClientChanges): Promise<ClientRecord | undefined> {
    const set = toChangedColumns(changes);
    if (Object.keys(set).length === 0) return this.get(id);
    const row = await this.#db.updateTable('clients').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row && fromRow(row);
  }
}

type ClientChanges = Partial<Pick<ClientRecord, 'name' | 'secretHash' | 'scopes' | 'apis' | 'dpop'>>;

/** `apis: null` is a change too ("every API"), so only `undefined` means "leave as is". */
function toChangedColumns(changes: ClientChanges): Updateable<ClientsTable> {
  const set: Updateable<ClientsTable> = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.secretHash !== undefined) set.secret_hash = changes.secretHash;
  if (changes.scopes !== undefined) set.scopes = encodeJson(changes.scopes);
  if (changes.apis !== undefined) set.apis = changes.apis === null ? null : encodeJson(changes.apis);
  if (changes.dpop !== undefined) set.dpop = changes.dpop;
  return set;
}

function toRow(client: ClientRecord): ClientsTable {
  return {
    id: client.id,
    name: client.name,
    secret_hash: client.secretHash,
    scopes: encodeJson(client.scopes),
    apis: client.apis === null ? null : encodeJson(client.apis),
    grant_types: encodeJson(client.grantTypes),
    created_at: client.createdAt,
    is_public: encodeBoolean(client.public),
    redirect_uris: encodeJson(client.redirectUris),
    first_party: encodeBoolean(client.firstParty),
    dpop: client.dpop,
  };
}

function fromRow(row: Selectable<ClientsTable>): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: decodeStringList(row.scopes, 'clients.scopes'),
    apis: row.apis === null ? null : decodeStringList(row.apis, 'clients.apis'),
    // Only `add` writes this column, and it takes `GrantType[]`.
    grantTypes: decodeStringList(row.grant_types, 'clients.grant_types') as GrantType[],
    public: decodeBoolean(row.is_public),
    redirectUris: decodeStringList(row.redirect_uris, 'clients.redirect_uris'),
    firstParty: decodeBoolean(row.first_party),
    dpop: decodeDpopPolicy(row.dpop, 'clients.dpop'),
    createdAt: row.created_at,
  };
}
