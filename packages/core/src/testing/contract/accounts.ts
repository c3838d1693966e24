import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import { apiDefaultContract } from './api-defaults.js';
import { api, client, user, useFreshStore } from './records.js';

/** Matches a `Conflict` whose public message names the duplicate and says nothing about SQL. */
function conflictNaming(name: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof Conflict, `expected Conflict, got ${String(error)}`);
    assert.equal(error.code, 'ERR_CONFLICT');
    assert.ok(error.message.includes(name), `message should name ${name}: ${error.message}`);
    assert.match(error.message, /already exists/);
    assert.doesNotMatch(error.message, /insert|unique|constraint|sql/i);
    return true;
  };
}

export function apiContract(open: () => Promise<Store>): void {
  describe('apis', () => {
    const store = useFreshStore(open);

    it('stores an API and returns it unchanged', async () => {
      const orders = api('https://orders.example.com', {
        scopes: ['orders:read', 'orders:write'],
        tokenTtlSeconds: 300,
      });
      await store().apis.add(orders);
      assert.deepEqual(await store().apis.get(orders.identifier), orders);
      assert.equal(await store().apis.get('https://unknown.example.com'), undefined);
    });

    it('refuses a duplicate identifier with Conflict and keeps the first API', async () => {
      await store().apis.add(api('https://a.example.com', { scopes: ['first'] }));
      await assert.rejects(
        store().apis.add(api('https://a.example.com', { scopes: ['second'] })),
        conflictNaming('https://a.example.com'),
      );
      assert.deepEqual((await store().apis.get('https://a.example.com'))?.scopes, ['first']);
    });

    it('has no default API until one is added as default', async () => {
      await store().apis.add(api('https://a.example.com'));
      assert.equal(await store().apis.getDefault(), undefined);
    });

    it('makes a new default API replace the previous default', async () => {
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      await store().apis.add(api('https://b.example.com', { isDefault: true }));
      assert.equal((await store().apis.getDefault())?.identifier, 'https://b.example.com');
      assert.equal((await store().apis.get('https://a.example.com'))?.isDefault, false);
    });

    it('keeps the previous default when adding a duplicate default API fails', async () => {
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      await store().apis.add(api('https://b.example.com'));
      await assert.rejects(store().apis.add(api('https://b.example.com', { isDefault: true })), Conflict);
      assert.equal((await store().apis.getDefault())?.identifier, 'https://a.example.com');
    });

    it('lists every API', async () => {
      await store().apis.add(api('https://b.example.com'));
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      const listed = await store().apis.list();
      assert.deepEqual(listed.map((a) => a.identifier).sort(), ['https://a.example.com', 'https://b.example.com']);
      assert.equal(listed.find((a) => a.isDefault)?.identifier, 'https://a.example.com');
    });

    it('removes an API and reports whether there was one to remove', async () => {
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      assert.equal(await store().apis.remove('https://a.example.com'), true);
      assert.equal(await store().apis.get('https://a.example.com'), undefined);
      assert.equal(await store().apis.getDefault(), undefined);
      assert.equal(await store().apis.remove('https://a.example.com'), false);
    });

    apiDefaultContract(open);
  });
}

export function userContract(open: () => Promise<Store>): void {
  describe('users', () => {
    const store = useFreshStore(open);

    it('stores a user and finds it by username and by id', async () => {
      const alice = user('alice', { scopes: ['write', 'read'], disabled: true, isAdmin: true });
      await store().users.add(alice);
      assert.deepEqual(await store().users.getByUsername('alice'), alice);
      assert.deepEqual(await store().users.getById(alice.id), alice);
      assert.equal(await store().users.getByUsername('bob'), undefined);
      assert.equal(await store().users.getById('user-bob'), undefined);
      await store().users.add(user('bob'));
      assert.equal((await store().users.getByUsername('bob'))?.isAdmin, false);
    });

    it('refuses a taken username with Conflict and keeps the first user', async () => {
      await store().users.add(user('alice'));
      await assert.rejects(store().users.add(user('alice', { id: 'user-other' })), conflictNaming('alice'));
      assert.equal(await store().users.getById('user-other'), undefined);
      assert.equal((await store().users.getByUsername('alice'))?.id, 'user-alice');
    });

    it('lists and removes users', async () => {
      await store().users.add(user('alice'));
      await store().users.add(user('bob'));
      assert.deepEqual((await store().users.list()).map((u) => u.username).sort(), ['alice', 'bob']);
      assert.equal(await store().users.remove('alice'), true);
      assert.equal(await store().users.remove('alice'), false);
      assert.deepEqual(
        (await store().users.list()).map((u) => u.username),
        ['bob'],
      );
    });
  });
}

export function clientContract(open: () => Promise<Store>): void {
  describe('clients', () => {
    const store = useFreshStore(open);

    it('stores a client and returns it unchanged, keeping "every API" (null) apart from "no API" ([])', async () => {
      const everyApi = client('svc-every', { grantTypes: ['client_credentials', 'refresh_token'] });
      const noApi = client('svc-none', { apis: [] });
      const someApis = client('svc-some', {
        apis: ['https://a.example.com', 'https://b.example.com'],
        grantTypes: ['password'],
      });
      for (const c of [everyApi, noApi, someApis]) await store().clients.add(c);
      assert.deepEqual(await store().clients.get('svc-every'), everyApi);
      assert.deepEqual(await store().clients.get('svc-none'), noApi);
      assert.deepEqual(await store().clients.get('svc-some'), someApis);
      assert.equal(await store().clients.get('svc-unknown'), undefined);
    });

    it('keeps a public, third-party client with its redirect URIs', async () => {
      const spa = client('web', {
        secretHash: '',
        public: true,
        firstParty: false,
        redirectUris: ['https://app.example/callback', 'http://127.0.0.1/cb'],
        grantTypes: ['authorization_code', 'refresh_token'],
      });
      await store().clients.add(spa);
      assert.deepEqual(await store().clients.get('web'), spa);
    });

    it('refuses a duplicate client id with Conflict', async () => {
      await store().clients.add(client('svc'));
      await assert.rejects(store().clients.add(client('svc', { name: 'Other' })), conflictNaming('svc'));
      assert.equal((await store().clients.get('svc'))?.name, 'Client svc');
    });

    it('lists and removes clients', async () => {
      await store().clients.add(client('svc-a'));
      await store().clients.add(client('svc-b'));
      assert.deepEqual((await store().clients.list()).map((c) => c.id).sort(), ['svc-a', 'svc-b']);
      assert.equal(await store().clients.remove('svc-a'), true);
      assert.equal(await store().clients.remove('svc-a'), false);
      assert.deepEqual(
        (await store().clients.list()).map((c) => c.id),
        ['svc-b'],
      );
    });
  });
}
