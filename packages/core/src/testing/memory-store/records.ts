/** What every table of the memory store shares: copies at the boundary, a stable order, the neutral conflict. */

/**
 * Records cross the store's boundary as copies, both ways: a caller changing a record it passed in, or one it got
 * back, changes nothing stored, just as with a database.
 */
export function copyOf<T>(record: T): T {
  return structuredClone(record);
}

/** Code-unit order: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** What a SQL store says when a unique key other than the one its message names is taken. */
export const CONFLICTING_RECORD = 'The record conflicts with an existing one';
