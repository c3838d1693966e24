/** Upgrading a database whose signing keys predate migration 004: each key signed from its creation. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore } from '../src/index.js';
import { signingKey, T0 } from '@tollgate/core/testing';
import { createDatabaseAt001 } from './fixtures/database-at-001.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-004-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('migration 004_signing_key_activation', () => {
  it('keeps existing keys and makes each one active from its creation', async () => {
    const retired = { ...signingKey('k1', T0), retiredAt: T0 + 100, expiresAt: T0 + 5000 };
    const signing = signingKey('k2', T0 + 100);
    const file = join(workDir, 'keys.sqlite');
    await createDatabaseAt001(file, (raw) => {
      const insert = raw.prepare(
        'insert into signing_keys (kid, alg, public_jwk, encrypted_private_key, created_at, retired_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const key of [retired, signing]) {
        const { kid, alg, publicJwk, encryptedPrivateKey, createdAt, retiredAt, expiresAt } = key;
        insert.run(kid, alg, JSON.stringify(publicJwk), encryptedPrivateKey, createdAt, retiredAt, expiresAt);
      }
    });
    const store = await openSqliteStore({ file });
    try {
      assert.deepEqual(await store.keys.list(), [signing, retired]);
    } finally {
      await store.close();
    }
  });
});
