/**
 * Verifiers follow the revocation stream with `listSince(afterSequence)` (core RevocationStore) and then
 * move their cursor past the highest sequence they saw. That is only safe if no lower sequence can
 * become visible after a higher one. Each dialect says here how it guarantees that for every write that
 * assigns revocation sequences.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SequencedWrites {
  /**
   * Runs `write` (which inserts into `revocations`) so that its sequences become visible only after every
   * lower one. `db` may be a transaction the write belongs to; otherwise one may be opened around it.
   */
  inOrder<T>(db: Kysely<Database>, write: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/**
 * SQLite: one writer at a time (every transaction begins IMMEDIATE under the file lock, see
 * sqlite/immediate-dialect.ts), so sequences already commit in the order they are assigned.
 */
export const singleWriterOrder: SequencedWrites = {
  inOrder: (db, write) => write(db),
};
