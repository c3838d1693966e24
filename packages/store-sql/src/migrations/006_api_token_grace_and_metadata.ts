/**
 * API tokens: the previous secret a regeneration with a grace period keeps accepting until `previous_expires_at`,
 * and the owner's `metadata` (a JSON object as text, `{}` for none) and `external_id`. Existing tokens get no
 * previous secret, empty metadata and no external id. Needs only migration 002 (which made `api_tokens`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  const columns = [
    ['previous_token_hash', 'text'],
    ['previous_jti', 'text'],
    ['previous_expires_at', 'bigint'],
    ['external_id', 'text'],
  ] as const;
  for (const [name, type] of columns) await db.schema.alterTable('api_tokens').addColumn(name, type).execute();
  await db.schema
    .alterTable('api_tokens')
    .addColumn('metadata', 'text', (col) => col.notNull().defaultTo('{}'))
    .execute();
  // Introspection looks old secrets up by hash; the grace sweep finds the ended periods by time.
  await db.schema
    .createIndex('api_tokens_previous_token_hash')
    .on('api_tokens')
    .column('previous_token_hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('api_tokens_previous_expires_at')
    .on('api_tokens')
    .column('previous_expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_tokens_previous_expires_at').execute();
  await db.schema.dropIndex('api_tokens_previous_token_hash').execute();
  for (const name of ['metadata', 'external_id', 'previous_expires_at', 'previous_jti', 'previous_token_hash']) {
    await db.schema.alterTable('api_tokens').dropColumn(name).execute();
  }
}
