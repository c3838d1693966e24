/**
 * `@tollgate/core/testing`: what a store needs to prove it keeps the storage contract, and `MemoryStore`, the whole
 * contract in memory, for tests that need a store but not a database.
 *
 * A store (SQLite and PostgreSQL in @tollgate/store-sql, or a third one) runs the contract suite from one of its own
 * test files, on node:test:
 *
 *   import { describeStoreContract } from '@tollgate/core/testing';
 *   import { openMyStore } from '../src/index.js';
 *
 *   describeStoreContract('my store', () => openMyStore({ location: freshLocation() }));
 *
 * `open` must hand back a fresh, empty, migrated store on every call (each test gets its own and closes it); run the
 * file with `node --test`. The record builders below (`api`, `user`, `refreshToken`, ... around the instant `T0`)
 * serve a store's own tests too.
 *
 * Not for production code: the suite imports node:test.
 */
export { CONTRACT_DOMAINS, type ContractDomain, describeStoreContract } from './contract/index.js';
export { MemoryStore } from './memory-store/index.js';
export {
  accessToken,
  api,
  apiToken,
  auditEvent,
  authorizationCode,
  client,
  family,
  refreshToken,
  session,
  signingKey,
  T0,
  user,
  useFreshStore,
} from './contract/records.js';
