/**
 * API-token quotas: credits (`credits_remaining`, null for unlimited) with an optional refill (amount and interval
 * `day` or `month`, applied lazily from `credits_refilled_at`), and the token's own rate limit (requests per window).
 * Existing tokens get none of them: unlimited, and the route's per-token limit applies. Needs migrations 002 and 006 (`previous_jti`).
 */
import type { Kysely } from 'kysely';

const COLUMNS = [
  ['credits_remaining', 'bigint'],
  ['credits_refill_amount', 'bigint'],
  ['credits_refill_interval', 'text'],
  ['credits_refilled_at', 'bigint'],
  ['rate_limit_requests', 'integer'],
  ['rate_limit_window_seconds', 'integer'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  for (const [name, type] of COLUMNS) await db.schema.alterTable('api_tokens').addColumn(name, type).execute();
  // The credits endpoint finds a token by either secret's jti (the current one is unique-indexed since 002).
  await db.schema.createIndex('api_tokens_previous_jti').on('api_tokens').column('previous_jti').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_tokens_previous_jti').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('api_tokens').dropColumn(name).execute();
}
