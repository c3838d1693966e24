/** The node-postgres pool behind a PostgreSQL store. */
import pg from 'pg';

const INT8_OID = 20;
const DEFAULT_POOL_SIZE = 10;
/** Lower-case SQL identifiers only: the name goes into `search_path` unquoted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PoolOptions {
  connectionString: string;
  poolSize?: number | undefined;
  schema?: string | undefined;
}

/**
 * `bigint` columns hold epoch seconds, counters and sequences, all far below 2^53, so they are read as
 * numbers (the storage contract's type). Set on this pool only: node-postgres's global parsers, which
 * other code in the process may rely on, stay as they are.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

export function checkPoolOptions(options: PoolOptions): void {
  const { poolSize, schema } = options;
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 1)) {
    throw new TypeError(`poolSize must be a positive integer, got ${poolSize}`);
  }
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must be a lower-case SQL identifier (${SCHEMA_NAME.source}), got ${schema}`);
  }
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    types,
    application_name: 'tollgate',
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle connection that breaks (server restart, network) is dropped by the pool and the next query
  // opens a new one or fails with its own error; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  return pool;
}

/** Where the store connects, for messages: host, port and database, never the credentials. */
export function describeLocation(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}
