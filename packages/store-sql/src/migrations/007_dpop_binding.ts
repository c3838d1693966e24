/**
 * DPoP (RFC 9449): the key a refresh-token family is bound to (a public client refreshes only with a proof made
 * with it) or an API token at creation, and whether an API takes, or a client gets, only DPoP-bound tokens.
 * Existing families and API tokens were issued without one, so they stay unbound; existing APIs and clients keep
 * bearer tokens.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_token_families').addColumn('dpop_jkt', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('dpop_jkt', 'text').execute();
  for (const table of ['apis', 'clients']) {
    await db.schema
      .alterTable(table)
      .addColumn('dpop', 'text', (col) => col.notNull().defaultTo('allowed'))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').dropColumn('dpop').execute();
  await db.schema.alterTable('apis').dropColumn('dpop').execute();
  await db.schema.alterTable('api_tokens').dropColumn('dpop_jkt').execute();
  await db.schema.alterTable('refresh_token_families').dropColumn('dpop_jkt').execute();
}
