import { Conflict } from '@tollgate/core';
import type { InsertResult } from 'kysely';
import { isUniqueViolation } from '../unique-violation.js';

/**
 * Runs an `INSERT ... ON CONFLICT (key) DO NOTHING` and turns "nothing inserted" into `Conflict` with the
 * caller's message. The targeted ON CONFLICT names the key the message talks about; a violation of any
 * other unique constraint still becomes a `Conflict`, with a neutral message and the driver error kept
 * as the private `cause`. Works unchanged on SQLite and PostgreSQL.
 */
export async function insertOnce(insert: () => Promise<InsertResult>, duplicateMessage: string): Promise<void> {
  let result: InsertResult;
  try {
    result = await insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict('The record conflicts with an existing one', { cause: error });
    throw error;
  }
  if (result.numInsertedOrUpdatedRows === 0n) throw new Conflict(duplicateMessage);
}
