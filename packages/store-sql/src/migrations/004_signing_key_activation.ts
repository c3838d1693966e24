/**
 * When each signing key starts signing. A rotated key is published at once but signs only after a propagation
 * delay, so every verifier can fetch it first. Existing keys started signing when they were created.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('activates_at', 'bigint').execute();
  await sql`update signing_keys set activates_at = created_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').dropColumn('activates_at').execute();
}
