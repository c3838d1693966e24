import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import { T0, useFreshStore } from './records.js';

export function revocationContract(open: () => Promise<Store>): void {
  describe('revocations', () => {
    const store = useFreshStore(open);

    it('reports a revoked jti as revoked and any other as not', async () => {
      await store().revocations.add('j1', T0, T0 + 600);
      assert.equal(await store().revocations.isRevoked('j1'), true);
      assert.equal(await store().revocations.isRevoked('j2'), false);
    });

    it('keeps the first record when a jti is revoked twice', async () => {
      await store().revocations.add('j1', T0, T0 + 600);
      const [first] = await store().revocations.listSince(0, T0, 10);
      await store().revocations.add('j1', T0 + 50, T0 + 900);
      assert.deepEqual(await store().revocations.listSince(0, T0, 10), [first]);
      assert.deepEqual(first, { sequence: first?.sequence, jti: 'j1', revokedAt: T0, expiresAt: T0 + 600 });
    });

    it('lists revocations oldest first and resumes after a given sequence', async () => {
      for (const jti of ['j1', 'j2', 'j3', 'j4', 'j5']) await store().revocations.add(jti, T0, T0 + 600);
      const all = await store().revocations.listSince(0, T0, 100);
      assert.deepEqual(
        all.map((r) => r.jti),
        ['j1', 'j2', 'j3', 'j4', 'j5'],
      );
      const sequences = all.map((r) => r.sequence);
      assert.deepEqual(
        sequences,
        [...sequences].sort((a, b) => a - b),
      );
      assert.equal(new Set(sequences).size, 5);
      const firstPage = await store().revocations.listSince(0, T0, 2);
      assert.deepEqual(
        firstPage.map((r) => r.jti),
        ['j1', 'j2'],
      );
      const resumed = await store().revocations.listSince(firstPage[1]?.sequence ?? Number.NaN, T0, 100);
      assert.deepEqual(
        resumed.map((r) => r.jti),
        ['j3', 'j4', 'j5'],
      );
      assert.deepEqual(await store().revocations.listSince(all[4]?.sequence ?? Number.NaN, T0, 100), []);
    });

    it('leaves revocations out of the stream once their token has expired', async () => {
      await store().revocations.add('j1', T0, T0 + 10);
      await store().revocations.add('j2', T0, T0 + 100);
      assert.deepEqual(
        (await store().revocations.listSince(0, T0 + 9, 10)).map((r) => r.jti),
        ['j1', 'j2'],
      );
      assert.deepEqual(
        (await store().revocations.listSince(0, T0 + 10, 10)).map((r) => r.jti),
        ['j2'],
      );
    });

    it('removes revocations whose token has expired and reports how many', async () => {
      await store().revocations.add('j1', T0, T0 + 10);
      await store().revocations.add('j2', T0, T0 + 20);
      await store().revocations.add('j3', T0, T0 + 100);
      assert.equal(await store().revocations.removeExpired(T0 + 9), 0);
      assert.equal(await store().revocations.removeExpired(T0 + 20), 2);
      assert.equal(await store().revocations.isRevoked('j1'), false);
      assert.equal(await store().revocations.isRevoked('j3'), true);
      assert.equal(await store().revocations.removeExpired(T0 + 20), 0);
    });

    it('never hands out a sequence number again after the newest entries are purged', async () => {
      await store().revocations.add('j1', T0, T0 + 10);
      await store().revocations.add('j2', T0, T0 + 10);
      const highest = Math.max(...(await store().revocations.listSince(0, T0, 10)).map((r) => r.sequence));
      assert.equal(await store().revocations.removeExpired(T0 + 10), 2);
      await store().revocations.add('j3', T0 + 10, T0 + 100);
      const [j3] = await store().revocations.listSince(0, T0 + 10, 10);
      assert.ok(j3 !== undefined && j3.sequence > highest, `sequence ${j3?.sequence} must exceed ${highest}`);
    });

    it('reports its epoch and the highest sequence handed out, purged entries included', async () => {
      const before = await store().revocations.position();
      assert.match(before.epoch, /^[A-Za-z0-9_-]{16}$/);
      assert.equal(before.highestSequence, 0);
      await store().revocations.add('j1', T0, T0 + 10);
      await store().revocations.add('j2', T0, T0 + 10);
      const [, j2] = await store().revocations.listSince(0, T0, 10);
      await store().revocations.removeExpired(T0 + 10);
      assert.deepEqual(await store().revocations.position(), {
        epoch: before.epoch,
        highestSequence: j2?.sequence,
      });
    });

    it('finds a record by its exact sequence while it exists', async () => {
      await store().revocations.add('j1', T0, T0 + 600);
      const [j1] = await store().revocations.listSince(0, T0, 10);
      assert.ok(j1);
      assert.deepEqual(await store().revocations.recordAt(j1.sequence), j1);
      assert.equal(await store().revocations.recordAt(j1.sequence + 1), undefined);
    });

    it('replaces its epoch only while it is the expected one, so nodes racing to replace it mint one', async () => {
      const { epoch } = await store().revocations.position();
      const results = await Promise.all([1, 2, 3, 4].map(() => store().revocations.replaceEpoch(epoch)));
      const [minted] = results;
      assert.notEqual(minted, epoch);
      assert.deepEqual(results, [minted, minted, minted, minted]);
      assert.equal((await store().revocations.position()).epoch, minted);
      assert.equal(await store().revocations.replaceEpoch(epoch), minted, 'a stale expectation changes nothing');
    });

    it('starts a new epoch on demand, keeping the records and the sequence', async () => {
      await store().revocations.add('j1', T0, T0 + 600);
      const before = await store().revocations.position();
      const started = await store().revocations.startNewEpoch();
      assert.notEqual(started, before.epoch);
      assert.deepEqual(await store().revocations.position(), { ...before, epoch: started });
      assert.equal(await store().revocations.isRevoked('j1'), true);
    });
  });
}
