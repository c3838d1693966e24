/** Upgrading a database created by migration 001 (the first release) to migration 002. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES, openSqliteStore } from '../src/index.js';
import { apiToken, auditEvent, user } from '@tollgate/core/testing';
import { createDatabaseAt001 } from './fixtures/database-at-001.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-002-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const ALICE = user('alice', { scopes: ['read', 'write'], disabled: true });

async function databaseAt001WithAlice(name: string): Promise<string> {
  const file = join(workDir, `${name}.sqlite`);
  await createDatabaseAt001(file, (raw) => {
    raw
      .prepare(
        'insert into users (id, username, password_hash, scopes, disabled, created_at) values (?, ?, ?, ?, ?, ?)',
      )
      .run(ALICE.id, ALICE.username, ALICE.passwordHash, JSON.stringify(ALICE.scopes), 1, ALICE.createdAt);
  });
  return file;
}

describe('migration 002_api_tokens_and_dashboard', () => {
  it('keeps an existing user intact and makes them no admin', async () => {
    const store = await openSqliteStore({ file: await databaseAt001WithAlice('keeps-user') });
    try {
      assert.deepEqual(await store.users.getByUsername('alice'), { ...ALICE, isAdmin: false });
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      assert.deepEqual(
        rows.map((row) => row.name),
        MIGRATION_NAMES,
      );
    } finally {
      await store.close();
    }
  });

  it('leaves the new tables ready for use after the upgrade', async () => {
    const store = await openSqliteStore({ file: await databaseAt001WithAlice('new-tables') });
    try {
      await store.apiTokens.add(apiToken('tok_1', { ownerId: ALICE.id }));
      await store.sessions.removeForUser(ALICE.id);
      await store.audit.add(auditEvent('user.update', { actorId: null, actorName: 'cli', target: 'alice' }));
      assert.equal((await store.apiTokens.listByOwner('user', ALICE.id)).length, 1);
      assert.equal((await store.audit.list({ limit: 10 })).length, 1);
      assert.equal((await store.users.update(ALICE.id, { isAdmin: true }))?.isAdmin, true);
    } finally {
      await store.close();
    }
  });
});
