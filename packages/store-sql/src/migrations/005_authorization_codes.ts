/**
 * The authorization code flow: codes stored by SHA-256 hash, used once, with what their redemption issued (so a
 * replay can revoke it); and what clients need for it: public clients (no secret), their redirect URIs, and
 * whether a client is first-party (no consent screen). Existing clients stay confidential and first-party with
 * no redirect URI, so nothing changes for them.
 */
import type { Kysely } from 'kysely';

async function addClientColumns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('clients')
    .addColumn('is_public', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('clients')
    .addColumn('redirect_uris', 'text', (col) => col.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('clients')
    .addColumn('first_party', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
}

async function createCodeTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authorization_codes')
    .addColumn('code_hash', 'text', (col) => col.primaryKey())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('code_challenge', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('username', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('audience', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('consumed_at', 'bigint')
    .addColumn('issued_jti', 'text')
    .addColumn('issued_expires_at', 'bigint')
    .addColumn('family_id', 'text')
    .execute();
  await db.schema
    .createIndex('authorization_codes_expires_at')
    .on('authorization_codes')
    .column('expires_at')
    .execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await addClientColumns(db);
  await createCodeTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('authorization_codes').execute();
  for (const column of ['first_party', 'redirect_uris', 'is_public']) {
    await db.schema.alterTable('clients').dropColumn(column).execute();
  }
}
