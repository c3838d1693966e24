/**
 * The one atomic step credits depend on: read the token's credits, apply the refill due and take `cost` only if that
 * many remain, inside one transaction that holds the row against every other writer until it commits. SQLite begins
 * every transaction IMMEDIATE (the database's write lock, sqlite/immediate-dialect.ts); PostgreSQL takes the row lock
 * with SELECT ... FOR UPDATE, so a concurrent consumer waits and then reads what this one wrote (READ COMMITTED).
 */
import { type CreditConsumption, spendCredits } from '@tollgate/core';
import type { Kysely } from 'kysely';
import type { SqlFlavor } from '../migrations/dialect-flavor.js';
import type { Database } from '../schema.js';
import { creditColumns, decodeCredits } from './api-token-quota-rows.js';

export async function consumeTokenCredits(
  db: Kysely<Database>,
  flavor: SqlFlavor,
  target: { id: string; cost: number; now: number },
): Promise<CreditConsumption | undefined> {
  return db.transaction().execute(async (trx) => {
    const select = trx
      .selectFrom('api_tokens')
      .select([
        'credits_remaining',
        'credits_refill_amount',
        'credits_refill_interval',
        'credits_refilled_at',
        'rate_limit_requests',
        'rate_limit_window_seconds',
      ])
      .where('id', '=', target.id);
    // SQLite has no FOR UPDATE (and needs none: the IMMEDIATE transaction already excludes other writers).
    const row = await (flavor === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
    const credits = row && decodeCredits(row);
    if (!credits) return undefined;
    const outcome = spendCredits(credits, target.cost, target.now);
    // A refusal with no refill due changes nothing: no write, and the lock is held no longer than the read.
    if (outcome.credits !== credits) {
      await trx.updateTable('api_tokens').set(creditColumns(outcome.credits)).where('id', '=', target.id).execute();
    }
    return outcome;
  });
}
