/**
 * Throwaway databases on the shared PostgreSQL server (TOLLGATE_TEST_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test): each test gets a database of its own, created here and
 * dropped at the end, so servers under test never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const SHARED_POSTGRES_URL = process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const CONNECT_TIMEOUT_MS = 3000;

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SHARED_POSTGRES_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `false` when the shared server answers and may create databases, otherwise why the suite skips. */
export async function sharedPostgresSkipReason(): Promise<string | false> {
  try {
    await withAdminClient((client) => client.query('select 1'));
    return false;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `PostgreSQL not reachable at ${new URL(SHARED_POSTGRES_URL).host} (${reason}); set TOLLGATE_TEST_POSTGRES_URL to run`;
  }
}

export interface ThrowawayDatabase {
  name: string;
  /** The database's URL; `password` (ignored by trust authentication) lets tests check it is never printed. */
  url(password?: string): string;
  /** Runs one query in the database and returns its rows. */
  query<R extends pg.QueryResultRow>(text: string): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `tollgate_scale_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = (password?: string) => {
    const parsed = new URL(SHARED_POSTGRES_URL);
    parsed.pathname = `/${name}`;
    if (password !== undefined) parsed.password = password;
    return parsed.toString();
  };
  return {
    name,
    url,
    async query<R extends pg.QueryResultRow>(text: string) {
      const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      await client.connect();
      try {
        return (await client.query<R>(text)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    // WITH (FORCE) (PostgreSQL 13+) ends connections a crashed server under test may have left behind.
    drop: () =>
      withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}
