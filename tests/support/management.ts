/**
 * The management surface over the REAL store under test (SQLite, or PostgreSQL with TOLLGATE_TEST_STORE=postgres),
 * in-process, with a clock the test moves: API tokens, sessions and the audit log are driven through `Tollgate`
 * exactly as the admin API and the CLI drive them.
 */
import {
  type Actor,
  type ActorOperations,
  type BruteForceLimits,
  DEFAULT_BRUTE_FORCE_LIMITS,
  type IntrospectionResponse,
  type ManagementConfig,
  OPERATOR,
  type PresentedClient,
  Tollgate,
  type UserView,
  generateEncryptionSecret,
  parseEncryptionKey,
} from '@tollgate/core';
import type { KyselyStore } from '@tollgate/store-sql';
import { openStoreUnderTest } from './store-under-test.js';

export const ISSUER = 'https://auth.example.test';
export const ORDERS_API = 'https://orders.example.test';
export const BILLING_API = 'https://billing.example.test';
export const PASSWORD = 'correct horse battery';
export const ADDRESS = '192.0.2.10';
export const DAY_SECONDS = 86_400;

/** 2025-01-15T12:00:00Z. */
const START_MS = Date.UTC(2025, 0, 15, 12);

export interface ManagementHarness {
  tollgate: Tollgate;
  store: KyselyStore;
  operator: ActorOperations;
  /** Current clock, epoch seconds. */
  now(): number;
  advance(seconds: number): void;
  /** Adds a user through the operator and returns an actor for them. */
  addUser(
    username: string,
    options?: { scopes?: string[]; isAdmin?: boolean },
  ): Promise<{ user: UserView; actor: Actor }>;
  /** A confidential client that may introspect and report usage. */
  verifier: PresentedClient & { method: 'client_secret_basic' };
  introspect(token: string): Promise<IntrospectionResponse>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  management?: Partial<ManagementConfig>;
  bruteForce?: BruteForceLimits;
}

/** Two APIs (orders is the default), a verifier client. Each harness has a database of its own. */
export async function openManagementHarness(options: HarnessOptions = {}): Promise<ManagementHarness> {
  const underTest = await openStoreUnderTest();
  const store = underTest.store;
  let nowMs = START_MS;
  const tollgate = await Tollgate.open(
    {
      issuer: ISSUER,
      signingAlgorithm: 'EdDSA',
      refreshTokenTtlSeconds: DAY_SECONDS,
      defaultAccessTokenTtlSeconds: 900,
      clockToleranceSeconds: 5,
      passwordLogin: true,
      bruteForce: options.bruteForce ?? DEFAULT_BRUTE_FORCE_LIMITS,
      ...(options.management ? { management: options.management } : {}),
    },
    { store, encryptionKey: parseEncryptionKey(generateEncryptionSecret()), clock: () => nowMs },
  );
  const operator = tollgate.as(OPERATOR);
  await operator.apis.create({ identifier: ORDERS_API, scopes: ['orders:read', 'orders:write'], isDefault: true });
  await operator.apis.create({ identifier: BILLING_API, scopes: ['billing:read'] });
  const created = await operator.clients.create({ name: 'verifier', scopes: [] });
  const verifier = {
    method: 'client_secret_basic' as const,
    clientId: created.client.id,
    clientSecret: created.clientSecret,
  };
  return {
    tollgate,
    store,
    operator,
    verifier,
    now: () => Math.floor(nowMs / 1000),
    advance: (seconds) => {
      nowMs += seconds * 1000;
    },
    async addUser(username, userOptions = {}) {
      const user = await operator.users.create({
        username,
        password: PASSWORD,
        scopes: userOptions.scopes ?? ['orders:read', 'orders:write', 'billing:read'],
        isAdmin: userOptions.isAdmin ?? false,
      });
      return { user, actor: { userId: user.id, name: user.username, isAdmin: user.isAdmin, address: ADDRESS } };
    },
    introspect: (token) =>
      tollgate.introspect({ token, tokenTypeHint: undefined, client: verifier, remoteAddress: ADDRESS }),
    async close() {
      await underTest.close();
    },
  };
}

/** Asserts a promise rejects with a TollgateError of this `code`, and returns it. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<{ description: string }> {
  try {
    await promise;
  } catch (error) {
    const actual = (error as { code?: unknown }).code;
    if (actual !== code) throw new Error(`expected error code ${code}, got ${String(actual)}: ${String(error)}`);
    return error as { description: string };
  }
  throw new Error(`expected error code ${code}, but it resolved`);
}
