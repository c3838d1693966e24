/** Upgrading a database whose API tokens predate credits: each stays unlimited, with no rate limit of its own. */
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
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-migration-008-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('migration 008_api_token_credits', () => {
  it('keeps existing API tokens unlimited, found by either jti, and lets them be given credits', async () => {
    const file = join(workDir, 'tokens.sqlite');
    await databaseAt(file, '007_dpop_binding');
    const previous = { tokenHash: 'sha256-old', jti: 'jti-old', expiresAt: T0 + 600 };
    const token = apiToken('tok_old', { previous, metadata: { plan: 'pro' }, requestCount: 3 });
    insertApiTokenRow(file, token, {
      previous_token_hash: previous.tokenHash,
      previous_jti: previous.jti,
      previous_expires_at: previous.expiresAt,
      metadata: JSON.stringify(token.metadata),
    });
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
