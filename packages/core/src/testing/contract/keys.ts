import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import { signingKey, T0, useFreshStore } from './records.js';

const DAY = 86_400;

export function keyContract(open: () => Promise<Store>): void {
  describe('signing keys', () => {
    const store = useFreshStore(open);

    it('adds the first key as the one that signs, with its JWK intact', async () => {
      const first = signingKey('k1', T0);
      await store().keys.rotate(first, T0 + DAY);
      assert.deepEqual(await store().keys.list(), [first]);
    });

    it('retires the signing key when a new one is rotated in', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      const second = signingKey('k2', T0 + 100);
      await store().keys.rotate(second, T0 + 100 + DAY);
      const [newest, retired, ...rest] = await store().keys.list();
      assert.deepEqual(newest, second);
      assert.equal(retired?.kid, 'k1');
      assert.equal(retired?.retiredAt, T0 + 100);
      assert.equal(retired?.expiresAt, T0 + 100 + DAY);
      assert.equal(rest.length, 0);
    });

    it('leaves already-retired keys untouched on a later rotation', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      await store().keys.rotate(signingKey('k2', T0 + 100), T0 + 100 + DAY);
      await store().keys.rotate(signingKey('k3', T0 + 200), T0 + 200 + DAY);
      const byKid = new Map((await store().keys.list()).map((key) => [key.kid, key]));
      assert.deepEqual([byKid.get('k1')?.retiredAt, byKid.get('k1')?.expiresAt], [T0 + 100, T0 + 100 + DAY]);
      assert.deepEqual([byKid.get('k2')?.retiredAt, byKid.get('k2')?.expiresAt], [T0 + 200, T0 + 200 + DAY]);
      assert.deepEqual([byKid.get('k3')?.retiredAt, byKid.get('k3')?.expiresAt], [null, null]);
    });

    it('lists keys newest first, and the signing key first when two were created in the same second', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      // Named so that neither insertion order nor kid order would put the signing key first.
      await store().keys.rotate(signingKey('k3', T0 + 50), T0 + 50 + DAY);
      await store().keys.rotate(signingKey('k2', T0 + 50), T0 + 50 + DAY);
      const listed = await store().keys.list();
      assert.deepEqual(
        listed.map((key) => key.kid),
        ['k2', 'k3', 'k1'],
      );
      assert.equal(listed[0]?.retiredAt, null);
    });

    it('refuses a duplicate kid with Conflict and retires nothing', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      await assert.rejects(store().keys.rotate(signingKey('k1', T0 + 100), T0 + 100 + DAY), Conflict);
      const [only, ...rest] = await store().keys.list();
      assert.equal(only?.retiredAt, null);
      assert.equal(only?.createdAt, T0);
      assert.equal(rest.length, 0);
    });

    it('keeps a key rotated in for later as it is, and retires its predecessor at its activation', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      const later = { ...signingKey('k2', T0 + 100), activatesAt: T0 + 220 };
      await store().keys.rotate(later, T0 + 220 + DAY);
      const byKid = new Map((await store().keys.list()).map((key) => [key.kid, key]));
      assert.deepEqual(byKid.get('k2'), later);
      assert.deepEqual([byKid.get('k1')?.retiredAt, byKid.get('k1')?.expiresAt], [T0 + 220, T0 + 220 + DAY]);
    });

    it('withdraws a key at once: retired and expired now, then removed; an unknown kid is reported', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + DAY);
      await store().keys.rotate(signingKey('k2', T0 + 100), T0 + 100 + DAY);
      assert.equal(await store().keys.withdraw('k2', T0 + 150), true);
      assert.equal(await store().keys.withdraw('nope', T0 + 150), false);
      const withdrawn = (await store().keys.list()).find((key) => key.kid === 'k2');
      assert.deepEqual([withdrawn?.retiredAt, withdrawn?.expiresAt], [T0 + 150, T0 + 150]);
      assert.equal(await store().keys.removeExpired(T0 + 150), 1);
      assert.deepEqual(
        (await store().keys.list()).map((key) => key.kid),
        ['k1'],
      );
    });

    it('removes retired keys whose expiry is at or before now, and never the signing key', async () => {
      await store().keys.rotate(signingKey('k1', T0), T0 + 1000);
      await store().keys.rotate(signingKey('k2', T0 + 100), T0 + 2000); // k1 expires at T0 + 2000
      await store().keys.rotate(signingKey('k3', T0 + 200), T0 + 3000); // k2 expires at T0 + 3000
      assert.equal(await store().keys.removeExpired(T0 + 1999), 0);
      assert.equal(await store().keys.removeExpired(T0 + 2000), 1);
      assert.deepEqual(
        (await store().keys.list()).map((key) => key.kid),
        ['k3', 'k2'],
      );
      assert.equal(await store().keys.removeExpired(T0 + 100 * DAY), 1);
      assert.deepEqual(
        (await store().keys.list()).map((key) => key.kid),
        ['k3'],
      );
    });
  });
}
