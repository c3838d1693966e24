/**
 * Which store the integration suite runs against: TOLLGATE_TEST_STORE=sqlite (default) or postgres, and
 * everything that differs between the two. On PostgreSQL every server or in-process Tollgate under test
 * gets a database of its own on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test),
 * created here and dropped when it stops, so tests never see each other's data, as with SQLite's
 * temporary directories. A database a crashed test file leaves behind is dropped when its process exits.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type KyselyStore, openPostgresStore, openSqliteStore } from '@tollgate/store-sql';
import pg from 'pg';

export type TestStoreKind = 'sqlite' | 'postgres';

function storeKind(value: string | undefined): TestStoreKind {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`TOLLGATE_TEST_STORE must be sqlite or postgres, got ${value}`);
}

export const TEST_STORE: TestStoreKind = storeKind(process.env.TOLLGATE_TEST_STORE);

/** The server the databases are created on; its own database is only used to run CREATE/DROP DATABASE. */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const CONNECT_TIMEOUT_MS = 5000;

/** Environment variables that choose a store or a cache: a child sees them only when the test sets them. */
const STORE_AND_CACHE_VARIABLES = ['DATABASE_URL', 'REDIS_URL'];

/**
 * The environment for a Tollgate child process: the test's own without TOLLGATE_* settings, without the
 * node:test marker, and without a DATABASE_URL or REDIS_URL meant for the test runner (CI sets both);
 * then `databaseUrl` as DATABASE_URL when given, then `extra`.
 */
export function childEnvironment(
  extra: Readonly<Record<string, string>> = {},
  databaseUrl?: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TOLLGATE_') || key === 'NODE_TEST_CONTEXT' || STORE_AND_CACHE_VARIABLES.includes(key)) continue;
    env[key] = value;
  }
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  return { ...env, ...extra };
}

export interface TestDatabase {
  /** The postgres:// URL to give Tollgate, or undefined on SQLite (the data directory's own file). */
  readonly url: string | undefined;
  /**
   * Rejects unless Tollgate created its tables in the database: a server that ignored DATABASE_URL and
   * fell back to SQLite would otherwise pass the PostgreSQL suite without touching PostgreSQL.
   */
  assertMigrated(): Promise<void>;
  /** Drops the database (ending any session left in it). Idempotent. */
  drop(): Promise<void>;
}

/** What a test that brings its own database (or runs on SQLite) gets: nothing to check or drop. */
export const NO_TEST_DATABASE: TestDatabase = { url: undefined, assertMigrated: async () => {}, drop: async () => {} };

const leftovers = new Set<string>();
let exitHookInstalled = false;

/** A fresh PostgreSQL database for one Tollgate under test; on SQLite, nothing to create. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_STORE === 'sqlite') return NO_TEST_DATABASE;
  installExitHook();
  const name = `tollgate_t_${randomBytes(8).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  leftovers.add(name);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async assertMigrated() {
      const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      await client.connect();
      try {
        const { rows } = await client.query<{ found: boolean }>(
          "select to_regclass('kysely_migration') is not null as found",
        );
        if (rows[0]?.found !== true) throw new Error(`Tollgate did not create its tables in ${name}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdminClient((client) => client.query(dropStatement(name)));
      leftovers.delete(name);
    },
  };
}

/** WITH (FORCE) (PostgreSQL 13+) ends the sessions of a server that was killed rather than stopped. */
function dropStatement(name: string): string {
  return `drop database if exists ${name} with (force)`;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** 'exit' handlers must be synchronous, so the leftovers are dropped by a short-lived child process. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    if (leftovers.size === 0) return;
    const script = `
      const pg = require(${JSON.stringify(createRequire(import.meta.url).resolve('pg'))});
      const client = new pg.Client({ connectionString: process.env.ADMIN_URL, connectionTimeoutMillis: 5000 });
      client.connect()
        .then(async () => { for (const name of JSON.parse(process.env.NAMES)) await client.query(process.env.DROP.replaceAll('NAME', name)); })
        .finally(() => client.end());`;
    spawnSync(process.execPath, ['-e', script], {
      env: {
        ...process.env,
        ADMIN_URL: ADMIN_DATABASE_URL,
        NAMES: JSON.stringify([...leftovers]),
        DROP: dropStatement('NAME'),
      },
      stdio: 'ignore',
      timeout: 15_000,
    });
  });
}

export interface StoreUnderTest {
  readonly store: KyselyStore;
  /** Closes the store and removes its file or database. */
  close(): Promise<void>;
}

/** The store under test opened in this process, in a fresh temporary directory or database. */
export async function openStoreUnderTest(): Promise<StoreUnderTest> {
  if (TEST_STORE === 'postgres') {
    const database = await createTestDatabase();
    const store = await openPostgresStore({ connectionString: database.url ?? ADMIN_DATABASE_URL }).catch(
      async (error: unknown) => {
        await database.drop();
        throw error;
      },
    );
    return {
      store,
      async close() {
        await store.close();
        await database.drop();
      },
    };
  }
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-store-'));
  const store = await openSqliteStore({ file: join(directory, 'tollgate.db') });
  return {
    store,
    async close() {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
