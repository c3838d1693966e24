import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import { session, T0, useFreshStore } from './records.js';

export function sessionContract(open: () => Promise<Store>): void {
  describe('dashboard sessions', () => {
    const store = useFreshStore(open);

    it('stores a session and returns it unchanged', async () => {
      await store().sessions.add(session('s1'));
      assert.deepEqual(await store().sessions.get('s1'), session('s1'));
      assert.equal(await store().sessions.get('s-unknown'), undefined);
    });

    it('records when a session was last seen', async () => {
      await store().sessions.add(session('s1'));
      await store().sessions.add(session('s2'));
      await store().sessions.touch('s1', T0 + 300);
      assert.deepEqual(await store().sessions.get('s1'), session('s1', { lastSeenAt: T0 + 300 }));
      assert.deepEqual(await store().sessions.get('s2'), session('s2'));
      await store().sessions.touch('s-unknown', T0 + 300);
      assert.equal(await store().sessions.get('s-unknown'), undefined, 'touching creates nothing');
    });

    it('removes a session and reports whether there was one', async () => {
      await store().sessions.add(session('s1'));
      assert.equal(await store().sessions.remove('s1'), true);
      assert.equal(await store().sessions.get('s1'), undefined);
      assert.equal(await store().sessions.remove('s1'), false);
    });

    it('signs one user out everywhere and nobody else', async () => {
      await store().sessions.add(session('s1'));
      await store().sessions.add(session('s2'));
      await store().sessions.add(session('s3', { userId: 'user-bob' }));
      assert.equal(await store().sessions.removeForUser('user-alice'), 2);
      assert.equal(await store().sessions.get('s1'), undefined);
      assert.equal(await store().sessions.get('s2'), undefined);
      assert.deepEqual(await store().sessions.get('s3'), session('s3', { userId: 'user-bob' }));
      assert.equal(await store().sessions.removeForUser('user-alice'), 0);
    });

    it('removes sessions past their absolute expiry, at or before now', async () => {
      await store().sessions.add(session('s-expired', { expiresAt: T0 + 100, lastSeenAt: T0 + 99 }));
      await store().sessions.add(session('s-live', { expiresAt: T0 + 101, lastSeenAt: T0 + 99 }));
      assert.equal(await store().sessions.removeExpired(T0 + 99, T0), 0);
      assert.equal(await store().sessions.removeExpired(T0 + 100, T0), 1);
      assert.equal(await store().sessions.get('s-expired'), undefined);
      assert.ok(await store().sessions.get('s-live'));
    });

    it('removes sessions idle since the idle cutoff, even before their absolute expiry', async () => {
      await store().sessions.add(session('s-idle', { lastSeenAt: T0 + 10 }));
      await store().sessions.add(session('s-active', { lastSeenAt: T0 + 11 }));
      assert.equal(await store().sessions.removeExpired(T0 + 20, T0 + 9), 0);
      assert.equal(await store().sessions.removeExpired(T0 + 20, T0 + 10), 1);
      assert.equal(await store().sessions.get('s-idle'), undefined);
      assert.ok(await store().sessions.get('s-active'));
    });
  });
}
