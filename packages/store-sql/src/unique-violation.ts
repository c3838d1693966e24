/**
 * Recognises a unique-constraint violation from either driver, so `add` methods can turn it into core's
 * `Conflict` without parsing (or ever showing) the SQL error text.
 */
const UNIQUE_VIOLATION_CODES = new Set([
  'SQLITE_CONSTRAINT_UNIQUE', // better-sqlite3
  'SQLITE_CONSTRAINT_PRIMARYKEY', // better-sqlite3
  '23505', // PostgreSQL unique_violation (node-postgres exposes the SQLSTATE as `code`)
]);

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && UNIQUE_VIOLATION_CODES.has(error.code);
}
