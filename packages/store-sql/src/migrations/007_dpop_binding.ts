/**
 * The DPoP key (RFC 9449) a refresh-token family is bound to: a public client refreshes only with a proof made with
 * it. Existing families were issued without a proof, so they stay unbound.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_token_families').addColumn('dpop_jkt', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_token_families').dropColumn('dpop_jkt').execute();
}
