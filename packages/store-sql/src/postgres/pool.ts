/** The node-postgres pool behind a PostgreSQL store. */
import pg from 'pg';

const INT8_OID = 20;
const DEFAULT_POOL_SIZE = 10;
/** A server that does not accept a connection within this long counts as down (the caller gets a 503). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
/** A statement running longer than this is cancelled by the server, so no request waits on the database forever. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 3000;
/** Beyond the statement timeout: the client gives up on a server that stopped answering at all. */
const READ_TIMEOUT_MARGIN_MS = 1000;
/** Lower-case SQL identifiers only: the name goes into `search_path` unquoted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PoolOptions {
  connectionString: string;
  poolSize?: number | undefined;
  schema?: string | undefined;
  connectTimeoutMs?: number | undefined;
  statementTimeoutMs?: number | undefined;
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
  for (const [name, value] of Object.entries({
    poolSize,
    connectTimeoutMs: options.connectTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs,
  })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new TypeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must be a lower-case SQL identifier (${SCHEMA_NAME.source}), got ${schema}`);
  }
}

/**
 * `serving` bounds every wait: connecting, and each statement (server side, plus a client-side read timeout
 * for a server that went silent). `migrating` is one connection without statement limits, since taking the
 * migration lock may rightly wait for another process's long migration.
 */
export function createPool(options: PoolOptions, purpose: 'serving' | 'migrating' = 'serving'): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: purpose === 'serving' ? (options.poolSize ?? DEFAULT_POOL_SIZE) : 1,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...(purpose === 'serving'
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + READ_TIMEOUT_MARGIN_MS }
      : {}),
    types,
    application_name: 'tollgate',
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle connection that breaks (server restart, network) is dropped by the pool and the next query
  // opens a new one or fails with its own error; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  // The pool listens only while a connection is idle. One checked out between two queries (inside a transaction)
  // when PostgreSQL goes away emits 'error' with nobody listening, which ended the whole server: its next query
  // fails with its own error instead, and the pool discards it when it is released with that error.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
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
