import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiTokenUsageEntry, Store } from '../../storage/index.js';
import { apiToken, T0, useFreshStore } from './records.js';

const A = 'https://a.example.com';
const B = 'https://b.example.com';

export function use(jti: string, overrides: Partial<ApiTokenUsageEntry> = {}): ApiTokenUsageEntry {
  return { jti, api: A, day: '2023-11-14', count: 1, lastUsedAt: T0, lastUsedAddress: '192.0.2.1', ...overrides };
}

export function apiTokenUsageContract(open: () => Promise<Store>): void {
  describe('API token usage', () => {
    const store = useFreshStore(open);

    it('adds reported uses to the request count and to per-API, per-day rows', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      await store().apiTokens.recordUsage([use('jti-tok_1', { count: 3 }), use('jti-tok_1', { api: B, count: 2 })]);
      await store().apiTokens.recordUsage([
        use('jti-tok_1', { count: 4 }),
        use('jti-tok_1', { day: '2023-11-15', count: 5 }),
        use('jti-tok_2', { day: '2023-11-13', count: 7 }),
      ]);
      assert.equal((await store().apiTokens.get('tok_1'))?.requestCount, 14);
      assert.equal((await store().apiTokens.get('tok_2'))?.requestCount, 7);
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-01' }), [
        { tokenId: 'tok_2', api: A, day: '2023-11-13', count: 7 },
        { tokenId: 'tok_1', api: A, day: '2023-11-14', count: 7 },
        { tokenId: 'tok_1', api: B, day: '2023-11-14', count: 2 },
        { tokenId: 'tok_1', api: A, day: '2023-11-15', count: 5 },
      ]);
    });

    it('lists usage from a day on, for one token or one API', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      await store().apiTokens.recordUsage([
        use('jti-tok_1', { day: '2023-11-13' }),
        use('jti-tok_1', { day: '2023-11-14', api: B }),
        use('jti-tok_2', { day: '2023-11-14' }),
        use('jti-tok_2', { day: '2023-11-15', api: B }),
      ]);
      const days = (rows: { day: string }[]) => rows.map((row) => row.day);
      assert.deepEqual(days(await store().apiTokens.listUsage({ fromDay: '2023-11-14' })), [
        '2023-11-14',
        '2023-11-14',
        '2023-11-15',
      ]);
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-14', tokenId: 'tok_1' }), [
        { tokenId: 'tok_1', api: B, day: '2023-11-14', count: 1 },
      ]);
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-01', api: B }), [
        { tokenId: 'tok_1', api: B, day: '2023-11-14', count: 1 },
        { tokenId: 'tok_2', api: B, day: '2023-11-15', count: 1 },
      ]);
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-16' }), []);
    });

    it('moves last-used forward and never back, whatever order reports arrive in', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.recordUsage([use('jti-tok_1', { lastUsedAt: T0 + 50, lastUsedAddress: '192.0.2.50' })]);
      await store().apiTokens.recordUsage([
        use('jti-tok_1', { lastUsedAt: T0 + 10, lastUsedAddress: '192.0.2.10' }),
        use('jti-tok_1', { lastUsedAt: T0 + 90, lastUsedAddress: '192.0.2.90' }),
        use('jti-tok_1', { lastUsedAt: T0 + 70, lastUsedAddress: '192.0.2.70' }),
      ]);
      const token = await store().apiTokens.get('tok_1');
      assert.equal(token?.lastUsedAt, T0 + 90);
      assert.equal(token?.lastUsedAddress, '192.0.2.90');
      assert.equal(token?.requestCount, 4, 'late reports still count');
    });

    it('skips entries whose jti is no current token and still records the rest', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.regenerate(
        'tok_1',
        'sha256-of-tok_1',
        { tokenHash: 'h2', jti: 'jti-2', graceEndsAt: null },
        T0,
        T0 + 600,
      );
      await store().apiTokens.recordUsage([
        use('jti-unknown', { count: 5 }),
        use('jti-tok_1', { count: 6 }),
        use('jti-2'),
      ]);
      const token = await store().apiTokens.get('tok_1');
      assert.equal(token?.requestCount, 1, 'the regenerated-away jti is no longer current');
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-01' }), [
        { tokenId: 'tok_1', api: A, day: '2023-11-14', count: 1 },
      ]);
    });

    it('keeps usage rows after the token is revoked, and accepts an empty report', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.recordUsage([use('jti-tok_1', { count: 2 })]);
      await store().apiTokens.recordUsage([]);
      await store().apiTokens.revoke('tok_1', T0, T0 + 600);
      await store().apiTokens.recordUsage([use('jti-tok_1', { count: 3 })]);
      assert.deepEqual(await store().apiTokens.listUsage({ fromDay: '2023-11-01', tokenId: 'tok_1' }), [
        { tokenId: 'tok_1', api: A, day: '2023-11-14', count: 2 },
      ]);
    });
  });
}
