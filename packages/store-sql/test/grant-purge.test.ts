/** `grants.removeExpired`: housekeeping the SQL store offers beyond the storage contract. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../src/index.js';
import { accessToken, family, refreshToken, T0 } from '@tollgate/core/testing';

async function withStore(run: (store: SqliteStore) => Promise<void>): Promise<void> {
  const store = await openSqliteStore({ file: ':memory:' });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

async function rememberedAccessTokens(store: SqliteStore): Promise<string[]> {
  const rows = await store.db.selectFrom('family_access_tokens').select('jti').orderBy('jti').execute();
  return rows.map((row) => row.jti);
}

describe('grant housekeeping', () => {
  it('forgets issued access tokens once they have expired', async () => {
    await withStore(async (store) => {
      await store.grants.startFamily(family('f1'), refreshToken('r1', 'f1'), accessToken('a1', T0 + 100));
      await store.grants.rotate('r1', T0 + 10, refreshToken('r2', 'f1'), accessToken('a2', T0 + 5000));
      assert.equal(await store.grants.removeExpired(T0 + 100), 0);
      assert.deepEqual(await rememberedAccessTokens(store), ['a2']);
    });
  });

  it('removes a family with all its tokens once every refresh token in it has expired', async () => {
    await withStore(async (store) => {
      await store.grants.startFamily(
        family('f1'),
        refreshToken('r1', 'f1', { expiresAt: T0 + 1000 }),
        accessToken('a1'),
      );
      await store.grants.startFamily(
        family('f2'),
        refreshToken('r2', 'f2', { expiresAt: T0 + 5000 }),
        accessToken('a2'),
      );
      assert.equal(await store.grants.removeExpired(T0 + 999), 0);
      assert.equal(await store.grants.removeExpired(T0 + 1000), 1);
      assert.equal(await store.grants.findRefreshToken('sha256-of-r1'), undefined);
      assert.notEqual(await store.grants.findRefreshToken('sha256-of-r2'), undefined);
    });
  });

  it('keeps a family whole while one of its tokens is live, so replaying a consumed token is still detected', async () => {
    await withStore(async (store) => {
      await store.grants.startFamily(
        family('f1'),
        refreshToken('r1', 'f1', { expiresAt: T0 + 1000 }),
        accessToken('a1'),
      );
      await store.grants.rotate('r1', T0 + 10, refreshToken('r2', 'f1', { expiresAt: T0 + 5000 }), accessToken('a2'));
      assert.equal(await store.grants.removeExpired(T0 + 2000), 0);
      assert.equal((await store.grants.findRefreshToken('sha256-of-r1'))?.token.consumedAt, T0 + 10);
    });
  });
});
