/** Upgrading a database whose refresh-token families predate DPoP: every family stays, unbound to any key. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore } from '../src/index.js';
import { T0 } from '@tollgate/core/testing';
import { createDatabaseAt001 } from './fixtures/database-at-001.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-007-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('migration 007_dpop_binding', () => {
  it('keeps an existing refresh-token family and its token, bound to no DPoP key', async () => {
    const file = join(workDir, 'families.sqlite');
    await createDatabaseAt001(file, (raw) => {
      raw
        .prepare(
          'insert into refresh_token_families (id, client_id, subject, created_at, revoked_at) values (?, ?, ?, ?, ?)',
        )
        .run('rf_1', 'client-1', 'user-1', T0, null);
      raw
        .prepare(
          'insert into refresh_tokens (id, token_hash, family_id, client_id, subject, username, scopes, audience, created_at, expires_at, consumed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          'rt_1',
          'hash-1',
          'rf_1',
          'client-1',
          'user-1',
          'alice',
          '["read"]',
          'https://api.example.com',
          T0,
          T0 + 3600,
          null,
        );
    });
    const store = await openSqliteStore({ file });
    try {
      const found = await store.grants.findRefreshToken('hash-1');
      assert.deepEqual(found?.family, {
        id: 'rf_1',
        clientId: 'client-1',
        subject: 'user-1',
        createdAt: T0,
        revokedAt: null,
        dpopJkt: null,
      });
      assert.equal(found?.token.id, 'rt_1');
    } finally {
      await store.close();
    }
  });
});
