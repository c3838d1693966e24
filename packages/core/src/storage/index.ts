/**
 * The storage contract, one module per domain. Every store (SQLite and PostgreSQL in @tollgate/store-sql, the
 * in-memory one in @tollgate/core/testing) implements exactly this and passes the shared contract suite
 * (`describeStoreContract` from @tollgate/core/testing). All `*At` fields are epoch seconds. Stores hold no
 * business rules beyond the atomicity each method promises; every method that returns resolves only once the write
 * is durable.
 */
import type { ApiStore } from './apis.js';
import type { ApiTokenStore } from './api-tokens.js';
import type { AuditStore } from './audit.js';
import type { ClientStore } from './clients.js';
import type { AuthorizationCodeStore } from './codes.js';
import type { GrantStore } from './grants.js';
import type { KeyStore } from './keys.js';
import type { RevocationStore } from './revocations.js';
import type { SessionStore } from './sessions.js';
import type { UserStore } from './users.js';
import type { WebhookStore } from './webhooks.js';

export type * from './api-tokens.js';
export type * from './apis.js';
export type * from './audit.js';
export type * from './clients.js';
export type * from './codes.js';
export type * from './grants.js';
export type * from './keys.js';
export type * from './revocations.js';
export type * from './sessions.js';
export type * from './users.js';
export type * from './webhooks.js';

export interface Store {
  readonly apis: ApiStore;
  readonly users: UserStore;
  readonly clients: ClientStore;
  readonly keys: KeyStore;
  readonly grants: GrantStore;
  readonly codes: AuthorizationCodeStore;
  readonly revocations: RevocationStore;
  readonly apiTokens: ApiTokenStore;
  readonly sessions: SessionStore;
  readonly audit: AuditStore;
  readonly webhooks: WebhookStore;
  close(): Promise<void>;
}
