/**
 * One entry point for a configured database location: a PostgreSQL URL or a SQLite file. Each store, with its
 * driver (node-postgres, better-sqlite3), is loaded only when it is the one configured: a command on a SQLite file
 * never loads node-postgres, and a server on PostgreSQL never loads the SQLite addon.
 */
import type { KyselyStore } from './kysely-store.js';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
const REDACTED_PASSWORD = '***';

export interface OpenStoreOptions {
  /** Apply pending migrations while opening (default true). */
  migrate?: boolean;
  /** PostgreSQL only: told when the server stops answering and when it answers again (see postgres/circuit.ts). */
  onOutage?: (down: boolean, cause?: unknown) => void;
}

export function isPostgresLocation(location: string): boolean {
  return POSTGRES_URL.test(location);
}

/** `postgres://` and `postgresql://` URLs open PostgreSQL; anything else is a SQLite file path (or `:memory:`). */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<KyselyStore> {
  const migrate = options.migrate ?? true;
  if (!isPostgresLocation(location)) {
    const { openSqliteStore } = await import('./sqlite.js');
    return openSqliteStore({ file: location, migrate });
  }
  const { openPostgresStore } = await import('./postgres.js');
  return openPostgresStore({
    connectionString: location,
    migrate,
    ...(options.onOutage ? { onOutage: options.onOutage } : {}),
  });
}

/**
 * The location as it may appear in logs and messages: a URL's password (and any `password` parameter)
 * replaced by `***`. A URL that does not parse is not echoed at all, since its secret could be anywhere in it.
 */
export function redactDatabaseLocation(location: string): string {
  if (!isPostgresLocation(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return 'postgres://(unparsable URL)';
  }
  if (url.password !== '') url.password = REDACTED_PASSWORD;
  for (const name of [...url.searchParams.keys()]) {
    if (name.toLowerCase() === 'password') url.searchParams.set(name, REDACTED_PASSWORD);
  }
  return url.toString();
}

/** Every spelling of the location's password that could end up inside someone else's error text. */
export function databaseSecrets(location: string): string[] {
  if (!isPostgresLocation(location)) return [];
  try {
    const url = new URL(location);
    const secrets = [
      url.password,
      ...[...url.searchParams].filter(([name]) => name.toLowerCase() === 'password').map(([, value]) => value),
    ];
    return [
      ...new Set(
        secrets.filter((secret) => secret !== '').flatMap((secret) => [secret, decodeURIComponentSafe(secret)]),
      ),
    ];
  } catch {
    return [];
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
