/** Upgrading a database whose API tokens predate migration 006: no previous secret, no metadata, no external id. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiToken, T0 } from '@tollgate/core/testing';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider, openSqliteStore } from '../src/index.js';

let workDir = '';
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-006-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** A SQLite file migrated up to 004 only, as the release before 006 left it. */
async function databaseAt004(file: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('004_signing_key_activation');
    if (error !== undefined) throw error;
  } finally {
    await db.destroy();
  }
}

describe('migration 006_api_token_grace_and_metadata', () => {
  it('keeps existing API tokens, with no previous secret, empty metadata and no external id', async () => {
    const file = join(workDir, 'tokens.sqlite');
    await databaseAt004(file);
    const token = apiToken('tok_old', { expiresAt: null, requestCount: 7, lastUsedAt: T0 + 9 });
    const raw = new BetterSqlite3(file);
    try {
      raw
        .prepare(
          `insert into api_tokens (id, name, owner_kind, owner_id, created_by, token_hash, jti, apis, scopes,
             created_at, expires_at, regenerated_at, last_used_at, last_used_address, request_count)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          token.id,
          token.name,
          token.ownerKind,
          token.ownerId,
          token.createdBy,
          token.tokenHash,
          token.jti,
          JSON.stringify(token.apis),
          JSON.stringify(token.scopes),
          token.createdAt,
          token.expiresAt,
          token.regeneratedAt,
          token.lastUsedAt,
          token.lastUsedAddress,
          token.requestCount,
        );
    } finally {
      raw.close();
    }
    const store = await openSqliteStore({ file });
    try {
      assert.deepEqual(await store.apiTokens.get('tok_old'), token);
      assert.deepEqual(await store.apiTokens.findByHash(token.tokenHash), token);
    } finally {
      await store.close();
    }
  });
});
