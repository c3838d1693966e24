/** One entry point for a configured database location: a PostgreSQL URL or a SQLite file. */
import type { KyselyStore } from './kysely-store.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export function isPostgresLocation(location: string): boolean {
  return POSTGRES_URL.test(location);
}

/** `postgres://` and `postgresql://` URLs open PostgreSQL; anything else is a SQLite file path (or `:memory:`). */
export async function openStore(location: string): Promise<KyselyStore> {
  return isPostgresLocation(location)
    ? openPostgresStore({ connectionString: location })
    : openSqliteStore({ file: location });
}
