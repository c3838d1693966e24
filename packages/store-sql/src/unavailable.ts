/**
 * One answer to "is this failure the database being away?", so the server can tell clients to try again
 * (RFC 6749 5.2 `temporarily_unavailable`, HTTP 503) instead of reporting a bug. Recognises the driver's
 * connection failures, PostgreSQL's SQLSTATEs for a server that is gone, going, starting or overloaded,
 * the timeouts this package sets, and SQLite's lock wait running out; and a database that cannot take
 * writes because its disk is full (`isStorageFull`), which passes once space is freed.
 */

/** Socket-level failures: the server cannot be reached, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * PostgreSQL SQLSTATEs (Appendix A of its manual): class 08 is connection exceptions; 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery); 57014 query_canceled, which
 * Tollgate only ever sees from its own statement_timeout; 53300 too_many_connections.
 */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** SQLite's write lock stayed taken past the busy timeout: another writer holds it, try again. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY']);

/** node-postgres reports a dead or timed-out connection by message alone (no `code`). */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  /^Connection ended unexpectedly/,
];

/** SQLite's SQLITE_FULL ("database or disk is full") and PostgreSQL's 53100 disk_full. */
const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', '53100']);

const MAX_CAUSE_DEPTH = 5;

/** postgres/circuit.ts refuses queries with this code while the server is not answering. */
const CIRCUIT_OPEN_CODE = 'TOLLGATE_DATABASE_DOWN';

/** The database refuses writes for want of disk space (the error itself or one of its causes). */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && STORAGE_FULL_CODES.has(code)) return true;
  return isStorageFull(cause, depth + 1);
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && isUnavailableCode(code)) return true;
  if (typeof message === 'string' && code === undefined && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) {
    return true;
  }
  // Connecting to a name with several addresses fails with an AggregateError of the attempts.
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

function isUnavailableCode(code: string): boolean {
  return (
    code === CIRCUIT_OPEN_CODE ||
    NETWORK_CODES.has(code) ||
    POSTGRES_CODES.has(code) ||
    SQLITE_CODES.has(code) ||
    STORAGE_FULL_CODES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code)
  );
}
