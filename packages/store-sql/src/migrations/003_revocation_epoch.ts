/**
 * The revocation epoch (core storage/revocations.ts `RevocationPosition`): one row holding a random id for the current
 * history of the revocation list. The stream's event ids carry it, so a restored backup that hands out old
 * sequences again cannot be mistaken for the history verifiers already followed. Made here, at creation
 * (or on upgrade), and replaced whenever a rewind is detected or a restore asks for it.
 */
import { type Kysely, sql } from 'kysely';
import { newRevocationEpoch } from '@tollgate/core';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('revocation_epoch')
    // Always 1: a single-row table, so a compare-and-set on it is one conditional UPDATE.
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('epoch', 'text', (col) => col.notNull())
    .execute();
  await sql`insert into revocation_epoch (id, epoch) values (1, ${newRevocationEpoch()})`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('revocation_epoch').execute();
}
