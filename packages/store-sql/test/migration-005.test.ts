/** Upgrading a database whose clients predate migration 005: each stays a confidential, first-party client. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { client } from '@tollgate/core/testing';
import { openSqliteStore } from '../src/index.js';
import { createDatabaseAt001 } from './fixtures/database-at-001.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-005-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('migration 005_authorization_codes', () => {
  it('keeps an existing client confidential and first-party, with no redirect URI', async () => {
    const existing = client('svc', { grantTypes: ['client_credentials', 'refresh_token'] });
    const file = join(workDir, 'clients.sqlite');
    await createDatabaseAt001(file, (raw) => {
      const { id, name, secretHash, scopes, apis, grantTypes, createdAt } = existing;
      raw
        .prepare(
          'insert into clients (id, name, secret_hash, scopes, apis, grant_types, created_at) values (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, name, secretHash, JSON.stringify(scopes), apis, JSON.stringify(grantTypes), createdAt);
    });
    const store = await openSqliteStore({ file });
    try {
      assert.deepEqual(await store.clients.get('svc'), existing);
      assert.equal(await store.codes.find('nothing'), undefined, 'the code table exists');
    } finally {
      await store.close();
    }
  });
});
