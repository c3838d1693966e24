import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict } from '../../errors.js';
import type { CodeRedemption, Store } from '../../storage/index.js';
import { accessToken, authorizationCode, family, refreshToken, T0, useFreshStore } from './records.js';

function withFamily(name: string): CodeRedemption {
  return {
    accessToken: accessToken(`a-${name}`),
    family: { family: family(`f-${name}`), token: refreshToken(`r-${name}`, `f-${name}`) },
  };
}

export function codeContract(open: () => Promise<Store>): void {
  describe('authorization codes', () => {
    const store = useFreshStore(open);

    it('finds a code by hash exactly as stored', async () => {
      await store().codes.add(authorizationCode('c1'));
      assert.deepEqual(await store().codes.find('sha256-of-c1'), authorizationCode('c1'));
      assert.equal(await store().codes.find('sha256-of-unknown'), undefined);
    });

    it('refuses a duplicate code hash with Conflict', async () => {
      await store().codes.add(authorizationCode('c1'));
      await assert.rejects(store().codes.add(authorizationCode('c1')), Conflict);
    });

    it('redeems a code once, starting the refresh family and recording what it issued', async () => {
      await store().codes.add(authorizationCode('c1'));
      assert.equal(await store().codes.redeem('sha256-of-c1', T0 + 5, withFamily('1')), true);
      const redeemed = await store().codes.find('sha256-of-c1');
      assert.equal(redeemed?.consumedAt, T0 + 5);
      assert.deepEqual(redeemed?.issued, { accessToken: accessToken('a-1'), familyId: 'f-1' });
      assert.deepEqual((await store().grants.findRefreshToken('sha256-of-r-1'))?.family, family('f-1'));
      assert.equal(await store().codes.redeem('sha256-of-c1', T0 + 6, withFamily('2')), false);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r-2'), undefined, 'the loser wrote nothing');
      await store().grants.revokeFamily('f-1', T0 + 10);
      assert.equal(await store().revocations.isRevoked('a-1'), true, 'the access token is part of the family');
    });

    it('redeems a code without a refresh family', async () => {
      await store().codes.add(authorizationCode('c1'));
      const redemption = { accessToken: accessToken('a-1'), family: null };
      assert.equal(await store().codes.redeem('sha256-of-c1', T0 + 5, redemption), true);
      assert.deepEqual((await store().codes.find('sha256-of-c1'))?.issued, {
        accessToken: accessToken('a-1'),
        familyId: null,
      });
    });

    it('lets exactly one of 20 concurrent redemptions of the same code win', async () => {
      await store().codes.add(authorizationCode('c1'));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store().codes.redeem('sha256-of-c1', T0 + 5, withFamily(String(i)))),
      );
      assert.equal(outcomes.filter(Boolean).length, 1);
      const winner = outcomes.indexOf(true);
      assert.equal((await store().codes.find('sha256-of-c1'))?.issued?.familyId, `f-${winner}`);
      const stored = await Promise.all(outcomes.map((_, i) => store().grants.findRefreshToken(`sha256-of-r-${i}`)));
      assert.deepEqual(
        stored.map((found) => found !== undefined),
        outcomes,
      );
    });

    it('does not redeem an unknown code', async () => {
      assert.equal(await store().codes.redeem('sha256-of-nothing', T0, withFamily('1')), false);
      assert.equal(await store().grants.findRefreshToken('sha256-of-r-1'), undefined);
    });

    it('forgets codes that expired before the given time, and only those', async () => {
      await store().codes.add(authorizationCode('old', { expiresAt: T0 + 10 }));
      await store().codes.add(authorizationCode('new', { expiresAt: T0 + 100 }));
      assert.equal(await store().codes.removeExpired(T0 + 50), 1);
      assert.equal(await store().codes.find('sha256-of-old'), undefined);
      assert.notEqual(await store().codes.find('sha256-of-new'), undefined);
    });
  });
}
