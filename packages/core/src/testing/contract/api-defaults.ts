/**
 * The default API under concurrent adds (core ApiStore `add(api, { defaultIfNone })`): "default if there is none yet"
 * is decided with the insert, so several writers at once (CLI processes, server nodes) end with exactly one default,
 * no spurious Conflict, and an explicit default winning over implicit ones. On PostgreSQL the store's pool gives each
 * concurrent call its own connection, so these are real races there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import { api, useFreshStore } from './records.js';

const CONTENDERS = 10;
const ROUNDS = 5;

const implicit = (store: Store, identifier: string) => store.apis.add(api(identifier), { defaultIfNone: true });

async function defaults(store: Store): Promise<string[]> {
  return (await store.apis.list()).filter((a) => a.isDefault).map((a) => a.identifier);
}

async function removeAll(store: Store): Promise<void> {
  for (const { identifier } of await store.apis.list()) await store.apis.remove(identifier);
}

export function apiDefaultContract(open: () => Promise<Store>): void {
  describe('the default API under concurrent adds', () => {
    const store = useFreshStore(open);

    it('makes an API added with defaultIfNone the default only while there is none, and says so', async () => {
      const first = await implicit(store(), 'https://a.example.com');
      const second = await implicit(store(), 'https://b.example.com');
      assert.deepEqual(first, api('https://a.example.com', { isDefault: true }));
      assert.deepEqual(second, api('https://b.example.com'));
      assert.deepEqual(await defaults(store()), ['https://a.example.com']);
    });

    it('refuses a duplicate identifier added with defaultIfNone with the usual Conflict', async () => {
      await implicit(store(), 'https://a.example.com');
      await assert.rejects(implicit(store(), 'https://a.example.com'), (error: unknown) => {
        assert.ok(error instanceof Conflict);
        assert.equal(error.message, 'An API with identifier https://a.example.com already exists');
        return true;
      });
    });

    it(`ends ${CONTENDERS} concurrent implicit-default adds with exactly one default and no Conflict`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const added = await Promise.all(
          Array.from({ length: CONTENDERS }, (_, i) => implicit(store(), `https://r${round}-${i}.example.com`)),
        );
        const winners = added.filter((a) => a.isDefault).map((a) => a.identifier);
        assert.equal(winners.length, 1, `round ${round}: exactly one add reports being the default`);
        assert.deepEqual(await defaults(store()), winners, `round ${round}: and it is the stored default`);
        await removeAll(store());
      }
    });

    it('lets an explicit default added at the same moment win over implicit ones', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const explicit = `https://explicit-${round}.example.com`;
        const adds = Array.from({ length: CONTENDERS }, (_, i) =>
          implicit(store(), `https://r${round}-${i}.example.com`),
        );
        adds.splice(
          round % CONTENDERS,
          0,
          store().apis.add(api(explicit, { isDefault: true }), { defaultIfNone: true }),
        );
        await Promise.all(adds);
        assert.deepEqual(await defaults(store()), [explicit], `round ${round}`);
        await removeAll(store());
      }
    });

    it(`ends ${CONTENDERS} concurrent explicit-default adds with one of them the default and no Conflict`, async () => {
      const identifiers = Array.from({ length: CONTENDERS }, (_, i) => `https://e${i}.example.com`);
      await Promise.all(identifiers.map((identifier) => store().apis.add(api(identifier, { isDefault: true }))));
      const [winner, ...others] = await defaults(store());
      assert.deepEqual(others, []);
      assert.ok(winner !== undefined && identifiers.includes(winner));
    });

    it('lets an API made the default by update win over concurrent implicit-default adds', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const chosen = `https://chosen-${round}.example.com`;
        await store().apis.add(api(chosen));
        const writes: Promise<unknown>[] = Array.from({ length: CONTENDERS }, (_, i) =>
          implicit(store(), `https://r${round}-${i}.example.com`),
        );
        writes.splice(round % CONTENDERS, 0, store().apis.update(chosen, { isDefault: true }));
        await Promise.all(writes);
        assert.deepEqual(await defaults(store()), [chosen], `round ${round}`);
        await removeAll(store());
      }
    });

    it('lets exactly one of many concurrent adds of one identifier in, the others getting the usual Conflict', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONTENDERS }, () => implicit(store(), 'https://same.example.com')),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          assert.ok(outcome.reason instanceof Conflict);
          assert.match(outcome.reason.message, /^An API with identifier https:\/\/same\.example\.com already exists$/);
        }
      }
      assert.deepEqual(await defaults(store()), ['https://same.example.com']);
    });
  });
}
