/**
 * The names opening a database checks against (MIGRATION_NAMES, kept apart so that check loads no migration) are
 * exactly the migrations there are, in the order they run, and the table they are read from is Kysely's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MIGRATION_TABLE } from 'kysely';
import { MIGRATIONS } from '../src/migrations/all.js';
import { MIGRATION_NAMES, MIGRATION_TABLE, migrationProvider } from '../src/migrations/index.js';

describe('migration names', () => {
  it('MIGRATION_NAMES lists every migration, in the order they run', async () => {
    assert.deepEqual(MIGRATION_NAMES, Object.keys(MIGRATIONS));
    assert.deepEqual(MIGRATION_NAMES, [...MIGRATION_NAMES].sort());
    assert.equal(await migrationProvider.getMigrations(), MIGRATIONS);
  });

  it("the check reads Kysely's own migration table", () => {
    assert.equal(MIGRATION_TABLE, DEFAULT_MIGRATION_TABLE);
  });
});
