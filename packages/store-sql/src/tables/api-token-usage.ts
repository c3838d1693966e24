/**
 * Usage reported by verifiers: per-token totals on `api_tokens` and per (token, API, UTC day) counts in
 * `api_token_usage`. Both statements are portable: `INSERT ... ON CONFLICT DO UPDATE` exists in SQLite
 * (3.24+) and PostgreSQL (9.5+).
 */
import type { ApiTokenUsageEntry, ApiTokenUsageRow } from '@tollgate/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Applies one entry inside the caller's transaction; an entry whose jti is no current or previous one is skipped. */
export async function applyUsage(trx: Kysely<Database>, entry: ApiTokenUsageEntry): Promise<void> {
  const token = await trx
    .updateTable('api_tokens')
    .set((eb) => ({ request_count: eb('request_count', '+', entry.count) }))
    .where((eb) => eb.or([eb('jti', '=', entry.jti), eb('previous_jti', '=', entry.jti)]))
    .returning('id')
    .executeTakeFirst();
  if (token === undefined) return;
  // Reports arrive late and out of order; the newest use wins, whatever order they come in.
  await trx
    .updateTable('api_tokens')
    .set({ last_used_at: entry.lastUsedAt, last_used_address: entry.lastUsedAddress })
    .where('id', '=', token.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', entry.lastUsedAt)]))
    .execute();
  await trx
    .insertInto('api_token_usage')
    .values({ token_id: token.id, api: entry.api, day: entry.day, count: entry.count })
    .onConflict((oc) =>
      oc.columns(['token_id', 'api', 'day']).doUpdateSet((eb) => ({
        count: eb('api_token_usage.count', '+', eb.ref('excluded.count')),
      })),
    )
    .execute();
}

export async function selectUsage(
  db: Kysely<Database>,
  filter: { fromDay: string; tokenId?: string; api?: string },
): Promise<ApiTokenUsageRow[]> {
  let query = db
    .selectFrom('api_token_usage')
    .select(['token_id', 'api', 'day', 'count'])
    .where('day', '>=', filter.fromDay);
  if (filter.tokenId !== undefined) query = query.where('token_id', '=', filter.tokenId);
  if (filter.api !== undefined) query = query.where('api', '=', filter.api);
  // Days are `YYYY-MM-DD`, so text order is date order; the rest only makes the order stable.
  const rows = await query.orderBy('day').orderBy('token_id').orderBy('api').execute();
  return rows.map((row) => ({ tokenId: row.token_id, api: row.api, day: row.day, count: row.count }));
}
