import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import { apiToken, T0, useFreshStore } from './records.js';
import { use } from './api-token-usage.js';

const RETAINED_UNTIL = T0 + 86_400 * 30;
const GRACE_ENDS_AT = T0 + 3_600;

/** Regeneration with a grace period, its end, and the owner's metadata and external id. */
export function apiTokenGraceContract(open: () => Promise<Store>): void {
  describe('API tokens: grace periods and metadata', () => {
    const store = useFreshStore(open);
    const graced = { tokenHash: 'sha256-new', jti: 'jti-new', graceEndsAt: GRACE_ENDS_AT };

    async function revokedJtis(): Promise<string[]> {
      return (await store().revocations.listSince(0, T0, 100)).map((record) => record.jti);
    }

    it('keeps the old secret as previous until the grace ends, revoking nothing yet', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      const updated = await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0 + 60, RETAINED_UNTIL);
      const expected = apiToken('tok_1', {
        tokenHash: 'sha256-new',
        jti: 'jti-new',
        regeneratedAt: T0 + 60,
        previous: { tokenHash: 'sha256-of-tok_1', jti: 'jti-tok_1', expiresAt: GRACE_ENDS_AT },
      });
      assert.deepEqual(updated, expected);
      assert.deepEqual(await store().apiTokens.findByHash('sha256-new'), expected);
      assert.deepEqual(await store().apiTokens.findByHash('sha256-of-tok_1'), expected, 'found by the old hash too');
      assert.deepEqual(await revokedJtis(), []);
    });

    it('ends due grace periods once: clears previous and revokes its jti at that time', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      const later = { tokenHash: 'sha256-2b', jti: 'jti-2b', graceEndsAt: GRACE_ENDS_AT + 100 };
      await store().apiTokens.regenerate('tok_2', 'sha256-of-tok_2', later, T0, RETAINED_UNTIL);
      assert.equal(await store().apiTokens.endGracePeriods(GRACE_ENDS_AT - 1, RETAINED_UNTIL), 0);
      assert.equal(await store().apiTokens.endGracePeriods(GRACE_ENDS_AT, RETAINED_UNTIL), 1);
      assert.equal(await store().apiTokens.endGracePeriods(GRACE_ENDS_AT, RETAINED_UNTIL), 0, 'only once');
      assert.equal((await store().apiTokens.get('tok_1'))?.previous, null);
      assert.equal(await store().apiTokens.findByHash('sha256-of-tok_1'), undefined);
      assert.notEqual((await store().apiTokens.get('tok_2'))?.previous, null);
      const [entry] = await store().revocations.listSince(0, T0, 10);
      assert.deepEqual(entry, {
        sequence: entry?.sequence,
        jti: 'jti-tok_1',
        revokedAt: GRACE_ENDS_AT,
        expiresAt: RETAINED_UNTIL,
      });
    });

    it('revokes an earlier previous secret at once when regenerating again, with or without grace', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      const again = { tokenHash: 'sha256-3', jti: 'jti-3', graceEndsAt: GRACE_ENDS_AT };
      const updated = await store().apiTokens.regenerate('tok_1', 'sha256-new', again, T0 + 1, RETAINED_UNTIL);
      assert.deepEqual(updated?.previous, { tokenHash: 'sha256-new', jti: 'jti-new', expiresAt: GRACE_ENDS_AT });
      assert.deepEqual(await revokedJtis(), ['jti-tok_1']);
      const last = { tokenHash: 'sha256-4', jti: 'jti-4', graceEndsAt: null };
      assert.equal(
        (await store().apiTokens.regenerate('tok_1', 'sha256-3', last, T0 + 2, RETAINED_UNTIL))?.previous,
        null,
      );
      assert.deepEqual((await revokedJtis()).sort(), ['jti-3', 'jti-new', 'jti-tok_1']);
    });

    it('refuses to regenerate by the previous hash (the compare-and-set is on the current one)', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      const next = { tokenHash: 'sha256-x', jti: 'jti-x', graceEndsAt: null };
      assert.equal(await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', next, T0, RETAINED_UNTIL), undefined);
    });

    it('revokes only the previous secret, once, when asked to by its jti', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      assert.equal(await store().apiTokens.revokePrevious('tok_1', 'jti-new', T0 + 5, RETAINED_UNTIL), false);
      assert.equal(await store().apiTokens.revokePrevious('tok_1', 'jti-tok_1', T0 + 5, RETAINED_UNTIL), true);
      assert.equal(await store().apiTokens.revokePrevious('tok_1', 'jti-tok_1', T0 + 6, RETAINED_UNTIL), false);
      assert.equal(await store().apiTokens.revokePrevious('tok_missing', 'jti-tok_1', T0, RETAINED_UNTIL), false);
      const token = await store().apiTokens.get('tok_1');
      assert.equal(token?.previous, null);
      assert.equal(token?.jti, 'jti-new');
      assert.deepEqual(await revokedJtis(), ['jti-tok_1']);
    });

    it('revokes both secrets when a token in its grace period is revoked, alone or with its owner', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.add(apiToken('tok_2'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      const other = { tokenHash: 'sha256-2b', jti: 'jti-2b', graceEndsAt: GRACE_ENDS_AT };
      await store().apiTokens.regenerate('tok_2', 'sha256-of-tok_2', other, T0, RETAINED_UNTIL);
      await store().apiTokens.revoke('tok_1', T0 + 5, RETAINED_UNTIL);
      assert.deepEqual((await revokedJtis()).sort(), ['jti-new', 'jti-tok_1']);
      assert.equal(await store().apiTokens.revokeAllOf('user', 'user-alice', T0 + 6, RETAINED_UNTIL), 1);
      assert.deepEqual((await revokedJtis()).sort(), ['jti-2b', 'jti-new', 'jti-tok_1', 'jti-tok_2']);
    });

    it('counts usage of the previous secret for its token', async () => {
      await store().apiTokens.add(apiToken('tok_1'));
      await store().apiTokens.regenerate('tok_1', 'sha256-of-tok_1', graced, T0, RETAINED_UNTIL);
      await store().apiTokens.recordUsage([use('jti-tok_1', { count: 2 }), use('jti-new')]);
      assert.equal((await store().apiTokens.get('tok_1'))?.requestCount, 3);
    });

    it('stores metadata and external id, and updates only the fields given', async () => {
      const metadata = { plan: 'pro', seats: 5, trial: false, ünï: 'cödé' };
      await store().apiTokens.add(apiToken('tok_1', { metadata, externalId: 'cus_123' }));
      assert.deepEqual(await store().apiTokens.get('tok_1'), apiToken('tok_1', { metadata, externalId: 'cus_123' }));
      const renamed = await store().apiTokens.update('tok_1', { externalId: 'cus_456' });
      assert.deepEqual(renamed, apiToken('tok_1', { metadata, externalId: 'cus_456' }));
      const cleared = await store().apiTokens.update('tok_1', { metadata: {}, externalId: null });
      assert.deepEqual(cleared, apiToken('tok_1'));
      assert.deepEqual(await store().apiTokens.update('tok_1', {}), apiToken('tok_1'));
      assert.equal(await store().apiTokens.update('tok_missing', { externalId: 'x' }), undefined);
    });
  });
}
