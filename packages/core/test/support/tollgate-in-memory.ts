/**
 * A Tollgate over a MemoryStore with a clock the test moves, seeded the way tests/support/seed.ts seeds a server:
 * a default API and a second one, a user, and a confidential client allowed every grant on both. Token requests
 * go through the public `Tollgate` API, as the HTTP routes call it, without HTTP.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  generateEncryptionSecret,
  OPERATOR,
  parseEncryptionKey,
  type OAuthErrorName,
  type PresentedClient,
  type RevocationSignal,
  Tollgate,
  type TollgateConfig,
  type TokenResponse,
  type TollgateDependencies,
  TollgateError,
  type Store,
} from '../../src/index.js';
import { MemoryStore } from '../../src/testing/index.js';

export const ISSUER = 'http://tollgate.test';
export const USER_API = 'https://api.example.com/user';
export const ADMIN_API = 'https://api.example.com/admin';
export const ACCESS_TOKEN_TTL_SECONDS = 900;
export const REFRESH_TOKEN_TTL_SECONDS = 86_400;
export const FAMILY_LIFETIME_SECONDS = 3 * 86_400;
export const CLOCK_TOLERANCE_SECONDS = 5;
export const USER = { username: 'alice', password: 'correct horse battery staple' };
const ADDRESS = '192.0.2.1';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** What a test may add to the dependencies a harness opens its Tollgate with. */
export type ExtraDependencies = Partial<
  Pick<TollgateDependencies, 'revocationSignal' | 'catalogCache' | 'revocationFeed' | 'attempts' | 'events'>
>;

export interface InMemoryTollgate {
  tollgate: Tollgate;
  /** The store itself: what a test reads or writes here is not counted in `storeCalls`. */
  store: MemoryStore;
  /** Every store method the Tollgate called, as `domain.method` (e.g. `clients.get`), oldest first; empty it at will. */
  storeCalls: string[];
  /** The user's id, the `sub` of their tokens. */
  userId: string;
  /** Confidential; client_credentials, password and refresh_token; both APIs. */
  backend: ClientCredentials;
  /** Confidential; client_credentials only, on ADMIN_API only. */
  adminService: ClientCredentials;
  nowSeconds(): number;
  /** Moves the clock on (or back, with a negative number). */
  advance(seconds: number): void;
  /** POST /token as core sees it: the parameters, the resources, and the client (none: no credentials). */
  token(params: Record<string, string>, client?: ClientCredentials, resources?: string[]): Promise<TokenResponse>;
  introspect(token: string, client?: ClientCredentials, hint?: string): ReturnType<Tollgate['introspect']>;
  revoke(token: string, client?: ClientCredentials, hint?: string): Promise<void>;
  /** Another node: a Tollgate of its own over the same store, key and clock (not seeded again). */
  openNode(extra?: ExtraDependencies): Promise<InMemoryTollgate>;
  close(): void;
}

export async function openInMemoryTollgate(
  config: Partial<TollgateConfig> = {},
  extra: ExtraDependencies = {},
): Promise<InMemoryTollgate> {
  const shared: SharedState = {
    store: new MemoryStore(),
    config,
    encryptionKey: parseEncryptionKey(generateEncryptionSecret()),
    time: { nowMs: Date.UTC(2026, 0, 1) },
  };
  const tollgate = await openOver(shared, extra);
  return harnessOf(shared, tollgate.tollgate, tollgate.storeCalls, await seed(tollgate.tollgate));
}

/** What every node of one harness shares: the store, the settings, the key and the clock. */
interface SharedState {
  store: MemoryStore;
  config: Partial<TollgateConfig>;
  encryptionKey: TollgateDependencies['encryptionKey'];
  time: { nowMs: number };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

async function openOver(
  shared: SharedState,
  extra: ExtraDependencies,
): Promise<{ tollgate: Tollgate; storeCalls: string[] }> {
  const storeCalls: string[] = [];
  const tollgate = await Tollgate.open(
    {
      issuer: ISSUER,
      signingAlgorithm: 'EdDSA',
      refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
      refreshTokenMaxLifetimeSeconds: FAMILY_LIFETIME_SECONDS,
      defaultAccessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
      passwordLogin: true,
      bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      ...shared.config,
    },
    {
      ...extra,
      store: counting(shared.store, storeCalls),
      encryptionKey: shared.encryptionKey,
      clock: () => shared.time.nowMs,
    },
  );
  return { tollgate, storeCalls };
}

function harnessOf(shared: SharedState, tollgate: Tollgate, storeCalls: string[], seeded: Seeded): InMemoryTollgate {
  const { time } = shared;
  return {
    tollgate,
    store: shared.store,
    storeCalls,
    ...seeded,
    nowSeconds: () => Math.floor(time.nowMs / 1000),
    advance: (seconds) => {
      time.nowMs += seconds * 1000;
    },
    token: (params, client, resources = []) =>
      tollgate.token({
        params: new Map(Object.entries(params)),
        resources,
        client: presented(client),
        remoteAddress: ADDRESS,
      }),
    introspect: (token, client, hint) =>
      tollgate.introspect({ token, tokenTypeHint: hint, client: presented(client), remoteAddress: ADDRESS }),
    revoke: (token, client, hint) =>
      tollgate.revoke({ token, tokenTypeHint: hint, client: presented(client), remoteAddress: ADDRESS }),
    openNode: async (extraOfNode = {}) => {
      const node = await openOver(shared, extraOfNode);
      return harnessOf(shared, node.tollgate, node.storeCalls, seeded);
    },
    close: () => tollgate.close(),
  };
}

/** `store` with every method call of every domain recorded in `calls`. */
function counting(store: MemoryStore, calls: string[]): Store {
  const domains = [
    'apis',
    'users',
    'clients',
    'keys',
    'grants',
    'codes',
    'revocations',
    'apiTokens',
    'sessions',
    'audit',
    'webhooks',
  ] as const;
  const wrapped = Object.fromEntries(
    domains.map((domain) => [
      domain,
      new Proxy(store[domain], {
        get(target, name, receiver) {
          const value: unknown = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${domain}.${String(name)}`);
            return (value as (...values: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
    ]),
  );
  return { ...(wrapped as unknown as Omit<Store, 'close'>), close: () => store.close() };
}

async function seed(
  tollgate: Tollgate,
): Promise<{ userId: string; backend: ClientCredentials; adminService: ClientCredentials }> {
  const operator = tollgate.as(OPERATOR);
  await operator.apis.create({ identifier: USER_API, scopes: ['read:data', 'write:data', 'profile'], isDefault: true });
  await operator.apis.create({ identifier: ADMIN_API, scopes: ['admin:read', 'admin:write'] });
  const user = await operator.users.create({ ...USER, scopes: ['read:data', 'write:data'] });
  const backend = await operator.clients.create({
    name: 'backend',
    scopes: ['read:data', 'write:data', 'admin:read'],
    apis: [USER_API, ADMIN_API],
    grantTypes: ['client_credentials', 'password', 'refresh_token'],
  });
  const adminService = await operator.clients.create({
    name: 'admin-service',
    scopes: ['admin:read'],
    apis: [ADMIN_API],
  });
  const credentials = (created: typeof backend) => ({
    clientId: created.client.id,
    clientSecret: created.clientSecret,
  });
  return { userId: user.id, backend: credentials(backend), adminService: credentials(adminService) };
}

function presented(client: ClientCredentials | undefined): PresentedClient {
  return client === undefined ? { method: 'none' } : { method: 'client_secret_basic', ...client };
}

/** The password grant for USER through `client` (null: the public login client); insists on a refresh token. */
export async function signIn(
  harness: InMemoryTollgate,
  client: ClientCredentials | null = harness.backend,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await harness.token({ grant_type: 'password', ...USER }, client ?? undefined);
  assert.ok(response.refresh_token, 'a client allowed refresh_token gets a refresh token');
  return { accessToken: response.access_token, refreshToken: response.refresh_token };
}

/** The refresh grant through `client` (null: the public login client). */
export async function refresh(
  harness: InMemoryTollgate,
  refreshToken: string,
  client: ClientCredentials | null = harness.backend,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await harness.token(
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    client ?? undefined,
  );
  assert.ok(response.refresh_token, 'every refresh returns a new refresh token');
  return { accessToken: response.access_token, refreshToken: response.refresh_token };
}

/** The claims of one of our JWTs, read without checking it (the tests check it through introspection). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jtiOf(jwt: string): string {
  const { jti } = claimsOf(jwt);
  assert.equal(typeof jti, 'string');
  return jti as string;
}

/** How the store finds a refresh token: by the SHA-256 of the token. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Insists that `promise` fails with exactly this OAuth error and public description. */
export async function assertRefused(
  promise: Promise<unknown>,
  oauthError: OAuthErrorName,
  description: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TollgateError, `expected a TollgateError, got ${String(error)}`);
    assert.equal(error.oauthError, oauthError, error.description);
    if (typeof description === 'string') assert.equal(error.description, description);
    else assert.match(error.description, description);
    return true;
  });
}

/** The cross-node nudge within one process, delivered as Redis would: later, to every subscriber, the sender too. */
export function memorySignal(): RevocationSignal & { published: number } {
  const listeners = new Set<() => void>();
  const signal = {
    published: 0,
    publish(): void {
      signal.published += 1;
      queueMicrotask(() => {
        for (const listener of [...listeners]) listener();
      });
    },
    subscribe(listener: () => void): () => void {
      const own = () => listener();
      listeners.add(own);
      return () => listeners.delete(own);
    },
  };
  return signal;
}
