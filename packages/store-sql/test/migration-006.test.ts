/** Upgrading a database whose API tokens predate migration 006: no previous secret, no metadata, no external id. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiToken, T0 } from '@tollgate/core/testing';
import { openSqliteStore } from '../src/index.js';
import { databaseAt, insertApiTokenRow } from './fixtures/database-at.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-006-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('migration 006_api_token_grace_and_metadata', () => {
  it('keeps existing API tokens, with no previous secret, empty metadata and no external id', async () => {
    const file = join(workDir, 'tokens.sqlite');
    await databaseAt(file, '004_signing_key_activation');
    const token = apiToken('tok_old', { expiresAt: null, requestCount: 7, lastUsedAt: T0 + 9 });
    insertApiTokenRow(file, token);
    const store = await openSqliteStore({ file });
    try {
      assert.deepEqual(await store.apiTokens.get('tok_old'), token);
      assert.deepEqual(await store.apiTokens.findByHash(token.tokenHash), token);
    } finally {
      await store.close();
    }
  });
});
