/**
 * The two writes that move API token secrets around: regeneration (compare-and-set on the current hash) and the
 * end of grace periods. Both run inside the caller's transaction and say which jtis must join the revocation list.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../schema.js';
import type { SequencedWrites } from '../sequenced-writes.js';
import { insertRevocations } from './revocations.js';

/**
 * Reads the old jti and previous secret, then `UPDATE ... WHERE id = ? AND token_hash = ?`. Exactly one of two
 * concurrent regenerations updates a row (on PostgreSQL the loser waits for the row lock, re-checks the hash and
 * matches nothing). Hash and jti only ever change together, so a row still holding `expectedHash` still holds what
 * was read first. Undefined when nothing matched.
 */
export async function regenerateRow(
  trx: Kysely<Database>,
  id: string,
  expectedHash: string,
  next: { tokenHash: string; jti: string; graceEndsAt: number | null },
  at: number,
): Promise<{ row: Selectable<ApiTokensTable>; revokedJtis: string[] } | undefined> {
  const old = await trx
    .selectFrom('api_tokens')
    .select(['jti', 'previous_jti'])
    .where('id', '=', id)
    .where('token_hash', '=', expectedHash)
    .executeTakeFirst();
  if (old === undefined) return undefined;
  const keepOld = next.graceEndsAt !== null;
  const row = await trx
    .updateTable('api_tokens')
    .set({
      token_hash: next.tokenHash,
      jti: next.jti,
      regenerated_at: at,
      previous_token_hash: keepOld ? expectedHash : null,
      previous_jti: keepOld ? old.jti : null,
      previous_expires_at: next.graceEndsAt,
    })
    .where('id', '=', id)
    .where('token_hash', '=', expectedHash)
    .returningAll()
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const revokedJtis = old.previous_jti === null ? [] : [old.previous_jti];
  if (!keepOld) revokedJtis.push(old.jti);
  return { row, revokedJtis };
}

/** Ends each due grace period in its own transaction (see clearPrevious). */
export async function endDueGracePeriods(
  db: Kysely<Database>,
  order: SequencedWrites,
  now: number,
  revocationExpiresAt: number,
): Promise<number> {
  const due = await db
    .selectFrom('api_tokens')
    .select(['id', 'previous_jti'])
    .where('previous_expires_at', '<=', now)
    .execute();
  let ended = 0;
  for (const { id, previous_jti: jti } of due) {
    if (jti === null) continue;
    if (await clearPrevious(db, order, { id, jti, dueBy: now }, now, revocationExpiresAt)) ended += 1;
  }
  return ended;
}

/**
 * In one transaction: clears the previous secret only if it still is `jti` (another node may have ended it, or a
 * regeneration replaced it, meanwhile) and, with `dueBy`, only if its grace ends by then; only then revokes the jti.
 */
export async function clearPrevious(
  db: Kysely<Database>,
  order: SequencedWrites,
  target: { id: string; jti: string; dueBy?: number },
  revokedAt: number,
  revocationExpiresAt: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let update = trx
      .updateTable('api_tokens')
      .set({ previous_token_hash: null, previous_jti: null, previous_expires_at: null })
      .where('id', '=', target.id)
      .where('previous_jti', '=', target.jti);
    if (target.dueBy !== undefined) update = update.where('previous_expires_at', '<=', target.dueBy);
    const result = await update.executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await insertRevocations(trx, order, [target.jti], revokedAt, revocationExpiresAt);
    return true;
  });
}
