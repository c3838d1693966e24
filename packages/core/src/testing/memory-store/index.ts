/**
 * The whole storage contract in memory, for tests of the token logic (and of anything built on core) that need a
 * store but not a database. It keeps the SQL stores' semantics: the same `Conflict`s, the compare-and-sets (rotating
 * a refresh token, regenerating an API token, the default API, the revocation epoch), revocation sequences that
 * never repeat, the same orders, and copies in and out, so no caller ever holds a stored record. Each method does all
 * its work without awaiting, which in one process is what a transaction is; several processes cannot share it.
 * It passes the contract suite (core/test/memory-store.test.ts).
 */
import type { Store } from '../../storage/index.js';
import { MemoryApiTokenStore } from './api-tokens.js';
import { MemoryApiStore } from './apis.js';
import { MemoryAuditStore } from './audit.js';
import { MemoryClientStore } from './clients.js';
import { MemoryAuthorizationCodeStore } from './codes.js';
import { MemoryGrantStore } from './grants.js';
import { MemoryKeyStore } from './keys.js';
import { MemoryRevocationStore } from './revocations.js';
import { MemorySessionStore } from './sessions.js';
import { MemoryUserStore } from './users.js';
import { MemoryWebhookStore } from './webhooks.js';

export class MemoryStore implements Store {
  readonly apis = new MemoryApiStore();
  readonly users = new MemoryUserStore();
  readonly clients = new MemoryClientStore();
  readonly keys = new MemoryKeyStore();
  readonly revocations = new MemoryRevocationStore();
  readonly grants = new MemoryGrantStore(this.revocations);
  readonly codes = new MemoryAuthorizationCodeStore(this.grants);
  readonly apiTokens = new MemoryApiTokenStore(this.revocations);
  readonly sessions = new MemorySessionStore();
  readonly audit = new MemoryAuditStore();
  readonly webhooks = new MemoryWebhookStore();

  /** Nothing to release: the data goes with the object. */
  async close(): Promise<void> {}
}
