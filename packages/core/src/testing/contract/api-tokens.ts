import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import { apiToken, T0, useFreshStore } from './records.js';

const REVOCATION_EXPIRES_AT = T0 + 86_400 * 30;

export function apiTokenContract(open: () => Promise<Store>): void {
  describe('API tokens', () => {
    const store = useFreshStore(open);

    it('stores a token and finds it by id and by hash', async () => {
      const token = apiToken('tok_1', {
        ownerKind: 'client',
        ownerId: 'svc',
        createdBy: null,
        apis: ['https://a.example.com', 'https://b.example.com'],
        scopes: ['read', 'write'],
        expiresAt: null,
        lastUsedAt: T0 + 5,
        lastUsedAddress: '198.51.100.7',
        requestCount: 3,
      });
      await store().apiTokens.add(token);
      assert.deepEqual(await store().apiTokens.get('tok_1'), token);
      assert.deepEqual(await store().apiTokens.findByHash('sha256-of-tok_1'), token);
      assert.equal(await store().apiTokens.get('tok_unknown'), undefined);
      assert.equal(await store().apiTokens.findByHash('sha256-of-unknown'), undefined);
    });

    it('refuses a duplicate id, hash or jti with Conflict and keeps the first token', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await assert.rejects(store().apiTokens.add(apiToken('tok_1', { tokenHash: 'h2', jti: 'j2' })), (error) => {
        assert.ok(error instanceof Conflict);
        assert.match(error.message, /tok_1 already exists/);
        return true;
      });
      await assert.rejects(store().apiTokens.add(apiToken('tok_2', { tokenHash: 'sha256-of-tok_1' })), Conflict);
      await assert.rejects(store().apiTokens.add(apiToken('tok_3', { jti: 'jti-tok_1' })), Conflict);
      assert.deepEqual(
        (await store().apiTokens.list()).map((t) => t.id),
        ['tok_1'],
      );
    });

    it('lists tokens oldest first, all or of one owner', async () => {
      await store().apiTokens.add(apiToken('tok_b', { createdAt: T0 + 20 }));
      await store().apiTokens.add(
        apiToken('tok_a', { createdAt: T0 + 10, ownerKind: 'client', ownerId: 'user-alice' }),
      );
      await store().apiTokens.add(apiToken('tok_c', { createdAt: T0 + 5 }));
      await store().apiTokens.add(apiToken('tok_d', { createdAt: T0 + 30, ownerId: 'user-bob' }));
      assert.deepEqual(
        (await store().apiTokens.list()).map((t) => t.id),
        ['tok_c', 'tok_a', 'tok_b', 'tok_d'],
      );
      assert.deepEqual(
        (await store().apiTokens.listByOwner('user', 'user-alice')).map((t) => t.id),
        ['tok_c', 'tok_b'],
      );
      assert.deepEqual(
        (await store().apiTokens.listByOwner('client', 'user-alice')).map((t) => t.id),
        ['tok_a'],
      );
      assert.deepEqual(await store().apiTokens.listByOwner('user', 'user-nobody'), []);
    });

    it('regenerates a token that still has the expected hash and revokes the old jti', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      const next = { tokenHash: 'sha256-new', jti: 'jti-new', graceEndsAt: null };
      const updated = await store().apiTokens.regenerate(
        'tok_1',
        'sha256-of-tok_1',
        next,
        T0 + 60,
        REVOCATION_EXPIRES_AT,
      );
      const expected = apiToken('tok_1', { tokenHash: next.tokenHash, jti: next.jti, regeneratedAt: T0 + 60 });
      assert.deepEqual(updated, expected);
      assert.deepEqual(await store().apiTokens.findByHash('sha256-new'), expected);
      assert.equal(await store().apiTokens.findByHash('sha256-of-tok_1'), undefined);
      assert.equal(await store().revocations.isRevoked('jti-tok_1'), true);
      assert.equal(await store().revocations.isRevoked('jti-new'), false);
      const [entry] = await store().revocations.listSince(0, T0, 10);
      assert.deepEqual(entry, {
        sequence: entry?.sequence,
        jti: 'jti-tok_1',
        revokedAt: T0 + 60,
        expiresAt: REVOCATION_EXPIRES_AT,
      });
    });

    it('writes nothing when regenerating with a stale hash (the compare-and-set lost)', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      const first = { tokenHash: 'sha256-first', jti: 'jti-first', graceEndsAt: null };
      assert.ok(await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', first, T0 + 1, REVOCATION_EXPIRES_AT));
      const stale = { tokenHash: 'sha256-second', jti: 'jti-second', graceEndsAt: null };
      assert.equal(
        await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', stale, T0 + 2, REVOCATION_EXPIRES_AT),
        undefined,
      );
      assert.deepEqual(
        await store().apiTokens.get('tok_1'),
        apiToken('tok_1', { tokenHash: first.tokenHash, jti: first.jti, regeneratedAt: T0 + 1 }),
      );
      assert.equal(await store().revocations.isRevoked('jti-first'), false, 'the current secret stays valid');
      assert.deepEqual(
        (await store().revocations.listSince(0, T0, 10)).map((r) => r.jti),
        ['jti-tok_1'],
      );
      assert.equal(
        await store().apiTokens.regenerate('tok_gone', 'x', stale, T0 + 3, REVOCATION_EXPIRES_AT),
        undefined,
      );
    });

    it('revokes a token: deletes it, deny-lists its jti and returns the deleted record', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      assert.deepEqual(await store().apiTokens.revoke('tok_1', T0 + 9, REVOCATION_EXPIRES_AT), apiToken('tok_1'));
      assert.equal(await store().apiTokens.get('tok_1'), undefined);
      assert.equal(await store().revocations.isRevoked('jti-tok_1'), true);
      assert.equal(await store().revocations.isRevoked('jti-tok_2'), false);
      assert.equal(await store().apiTokens.revoke('tok_1', T0 + 10, REVOCATION_EXPIRES_AT), undefined);
      const [entry] = await store().revocations.listSince(0, T0, 10);
      assert.equal(entry?.revokedAt, T0 + 9, 'the first revocation record is kept');
    });

    it('revokes every token of one owner and no other, reporting how many', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      await store().apiTokens.add(apiToken('tok_3', { ownerId: 'user-bob' }));
      await store().apiTokens.add(apiToken('tok_4', { ownerKind: 'client', ownerId: 'user-alice' }));
      assert.equal(await store().apiTokens.revokeAllOf('user', 'user-alice', T0 + 9, REVOCATION_EXPIRES_AT), 2);
      assert.deepEqual(
        (await store().apiTokens.list()).map((t) => t.id),
        ['tok_3', 'tok_4'],
      );
      assert.deepEqual((await store().revocations.listSince(0, T0, 10)).map((r) => r.jti).sort(), [
        'jti-tok_1',
        'jti-tok_2',
      ]);
      assert.equal(await store().apiTokens.revokeAllOf('user', 'user-alice', T0 + 10, REVOCATION_EXPIRES_AT), 0);
    });

    it('revokes more tokens of one owner than one INSERT takes, every one of them', async () => {
      const count = 1_001;
      for (let index = 0; index < count; index += 1) await store().apiTokens.add(apiToken(`tok_many_${index}`));
      assert.equal(await store().apiTokens.revokeAllOf('user', 'user-alice', T0 + 9, REVOCATION_EXPIRES_AT), count);
      assert.equal((await store().revocations.listSince(0, T0, 5_000)).length, count);
      assert.equal(await store().revocations.isRevoked(`jti-tok_many_${count - 1}`), true);
    });
  });
}
