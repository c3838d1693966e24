/** Upgrading a database whose API tokens predate credits: each stays unlimited, with no rate limit of its own. */
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
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-008-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** A SQLite file migrated up to 007 only, as the release before 008 left it. */
async function databaseAt007(file: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('007_dpop_binding');
    if (error !== undefined) throw error;
  } finally {
    await db.destroy();
  }
}

describe('migration 008_api_token_credits', () => {
  it('keeps existing API tokens unlimited, found by either jti, and lets them be given credits', async () => {
    const file = join(workDir, 'tokens.sqlite');
    await databaseAt007(file);
    const previous = { tokenHash: 'sha256-old', jti: 'jti-old', expiresAt: T0 + 600 };
    const token = apiToken('tok_old', { previous, metadata: { plan: 'pro' }, requestCount: 3 });
    const raw = new BetterSqlite3(file);
    try {
      raw
        .prepare(
          `insert into api_tokens (id, name, owner_kind, owner_id, created_by, token_hash, jti, apis, scopes,
             created_at, expires_at, regenerated_at, last_used_at, last_used_address, request_count,
             previous_token_hash, previous_jti, previous_expires_at, metadata, external_id, dpop_jkt)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          previous.tokenHash,
          previous.jti,
          previous.expiresAt,
          JSON.stringify(token.metadata),
          null,
          null,
        );
    } finally {
      raw.close();
    }
    const store = await openSqliteStore({ file });
    try {
      assert.deepEqual(await store.apiTokens.get('tok_old'), token, 'credits and rateLimit null: unlimited');
      assert.deepEqual(await store.apiTokens.findByJti('jti-old'), token);
      assert.equal(await store.apiTokens.consumeCredits('tok_old', 1, T0), undefined, 'nothing to count');
      const credits = { remaining: 2, refill: null, refilledAt: T0 };
      await store.apiTokens.update('tok_old', { credits });
      assert.deepEqual(await store.apiTokens.consumeCredits('tok_old', 2, T0 + 1), {
        allowed: true,
        credits: { ...credits, remaining: 0 },
      });
    } finally {
      await store.close();
    }
  });
});
