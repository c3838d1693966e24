/**
 * The storage contract (core/src/storage.ts) over any `Kysely<Database>`. The queries are portable:
 * SQLite and PostgreSQL differ only in the dialect handed in (and one migration column type).
 */
import type { Store } from '@tollgate/core';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { SqlApiStore } from './tables/apis.js';
import { SqlClientStore } from './tables/clients.js';
import { SqlGrantStore } from './tables/grants.js';
import { SqlKeyStore } from './tables/keys.js';
import { SqlRevocationStore } from './tables/revocations.js';
import { SqlUserStore } from './tables/users.js';

export class KyselyStore implements Store {
  /** The underlying connection, for migrations and diagnostics; application code uses the sub-stores. */
  readonly db: Kysely<Database>;
  readonly apis: SqlApiStore;
  readonly users: SqlUserStore;
  readonly clients: SqlClientStore;
  readonly keys: SqlKeyStore;
  readonly grants: SqlGrantStore;
  readonly revocations: SqlRevocationStore;

  /** Expects a migrated database (see `migrateToLatest`). */
  constructor(db: Kysely<Database>) {
    this.db = db;
    this.apis = new SqlApiStore(db);
    this.users = new SqlUserStore(db);
    this.clients = new SqlClientStore(db);
    this.keys = new SqlKeyStore(db);
    this.grants = new SqlGrantStore(db);
    this.revocations = new SqlRevocationStore(db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
