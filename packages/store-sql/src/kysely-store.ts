/**
 * The storage contract (core/src/storage/) over any `Kysely<Database>`. The queries are portable:
 * SQLite and PostgreSQL differ only in the dialect handed in, one migration column type and how revocation
 * writes keep their sequences in order (sequenced-writes.ts).
 */
import type { Store } from '@tollgate/core';
import { type Kysely, sql } from 'kysely';
import { migrateToLatest, pendingMigrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { type SequencedWrites, singleWriterOrder } from './sequenced-writes.js';
import { SqlApiTokenStore } from './tables/api-tokens.js';
import { SqlApiStore } from './tables/apis.js';
import { SqlAuditStore } from './tables/audit.js';
import { SqlClientStore } from './tables/clients.js';
import { SqlAuthorizationCodeStore } from './tables/codes.js';
import { SqlGrantStore } from './tables/grants.js';
import { SqlKeyStore } from './tables/keys.js';
import { SqlRevocationStore } from './tables/revocations.js';
import { SqlSessionStore } from './tables/sessions.js';
import { SqlUserStore } from './tables/users.js';
import { SqlWebhookStore } from './tables/webhooks.js';

export class KyselyStore implements Store {
  /** The underlying connection, for migrations and diagnostics; application code uses the sub-stores. */
  readonly db: Kysely<Database>;
  readonly apis: SqlApiStore;
  readonly users: SqlUserStore;
  readonly clients: SqlClientStore;
  readonly keys: SqlKeyStore;
  readonly grants: SqlGrantStore;
  readonly codes: SqlAuthorizationCodeStore;
  readonly revocations: SqlRevocationStore;
  readonly apiTokens: SqlApiTokenStore;
  readonly sessions: SqlSessionStore;
  readonly audit: SqlAuditStore;
  readonly webhooks: SqlWebhookStore;

  /**
   * Expects a migrated database (see `migrateToLatest`). `order` keeps revocation sequences visible in
   * order (sequenced-writes.ts); the default suits a database with one writer at a time (SQLite).
   */
  constructor(db: Kysely<Database>, order: SequencedWrites = singleWriterOrder) {
    this.db = db;
    this.apis = new SqlApiStore(db);
    this.users = new SqlUserStore(db);
    this.clients = new SqlClientStore(db);
    this.keys = new SqlKeyStore(db);
    this.grants = new SqlGrantStore(db, order);
    this.codes = new SqlAuthorizationCodeStore(db);
    this.revocations = new SqlRevocationStore(db, order);
    this.apiTokens = new SqlApiTokenStore(db, order);
    this.sessions = new SqlSessionStore(db);
    this.audit = new SqlAuditStore(db);
    this.webhooks = new SqlWebhookStore(db);
  }

  /** Migrations this version has that the database has not had yet (empty when the schema is current). */
  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db);
  }

  /** Applies the pending migrations and returns their names. */
  migrate(): Promise<string[]> {
    return migrateToLatest(this.db);
  }

  /**
   * Gives the revocation list a new epoch, so every verifier following the revocation stream resyncs its
   * whole deny list on its next connection. Call it after restoring a backup (a restore command should):
   * the stream also detects a restore by itself, but only once it sees the sequence go backwards.
   */
  startNewRevocationEpoch(): Promise<string> {
    return this.revocations.startNewEpoch();
  }

  /** A trivial query, for readiness checks: rejects when the database does not answer. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /**
   * A harmless write, for telling when a database that refused writes (a full disk) takes them again:
   * rejects while writes fail. Each dialect overrides it with a write that changes nothing; without one
   * it is only the ping.
   */
  probeWrite(): Promise<void> {
    return this.ping();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
