import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import { api, client, user, useFreshStore } from './records.js';

export function updateContract(open: () => Promise<Store>): void {
  describe('updates of APIs, users and clients', () => {
    const store = useFreshStore(open);

    it('changes only the given fields of an API and returns the stored record', async () => {
      await store().apis.add(api('https://a.example.com', { scopes: ['read'], tokenTtlSeconds: 300 }));
      const updated = await store().apis.update('https://a.example.com', { scopes: ['read', 'admin'] });
      const expected = api('https://a.example.com', { scopes: ['read', 'admin'], tokenTtlSeconds: 300 });
      assert.deepEqual(updated, expected);
      assert.deepEqual(await store().apis.get('https://a.example.com'), expected);
      assert.equal((await store().apis.update('https://a.example.com', { tokenTtlSeconds: 60 }))?.tokenTtlSeconds, 60);
    });

    it('makes an updated default API replace the previous default', async () => {
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      await store().apis.add(api('https://b.example.com'));
      assert.equal((await store().apis.update('https://b.example.com', { isDefault: true }))?.isDefault, true);
      assert.equal((await store().apis.getDefault())?.identifier, 'https://b.example.com');
      assert.equal((await store().apis.get('https://a.example.com'))?.isDefault, false);
      await store().apis.update('https://b.example.com', { isDefault: false });
      assert.equal(await store().apis.getDefault(), undefined);
    });

    it('returns undefined for an unknown API and keeps the previous default', async () => {
      await store().apis.add(api('https://a.example.com', { isDefault: true }));
      assert.equal(await store().apis.update('https://unknown.example.com', { isDefault: true }), undefined);
      assert.equal(await store().apis.update('https://unknown.example.com', {}), undefined);
      assert.equal((await store().apis.getDefault())?.identifier, 'https://a.example.com');
      assert.equal(await store().apis.get('https://unknown.example.com'), undefined);
    });

    it('changes only the given fields of a user, including the admin flag', async () => {
      await store().users.add(user('alice'));
      await store().users.add(user('bob'));
      const updated = await store().users.update('user-alice', { isAdmin: true, scopes: ['read', 'write'] });
      const expected = user('alice', { isAdmin: true, scopes: ['read', 'write'] });
      assert.deepEqual(updated, expected);
      assert.deepEqual(await store().users.getByUsername('alice'), expected);
      const disabled = await store().users.update('user-alice', { disabled: true, passwordHash: 'new-hash' });
      assert.deepEqual(disabled, { ...expected, disabled: true, passwordHash: 'new-hash' });
      assert.deepEqual(await store().users.getByUsername('bob'), user('bob'), 'other users are untouched');
    });

    it('returns undefined when updating an unknown user, and creates none', async () => {
      assert.equal(await store().users.update('user-nobody', { isAdmin: true }), undefined);
      assert.equal(await store().users.update('user-nobody', {}), undefined);
      assert.deepEqual(await store().users.list(), []);
    });

    it('changes only the given fields of a client, telling "every API" (null) from "leave as is"', async () => {
      await store().clients.add(client('svc', { apis: ['https://a.example.com'] }));
      const renamed = await store().clients.update('svc', { name: 'Renamed', secretHash: 'new-secret' });
      assert.deepEqual(
        renamed,
        client('svc', { apis: ['https://a.example.com'], name: 'Renamed', secretHash: 'new-secret' }),
      );
      const everyApi = await store().clients.update('svc', { apis: null, scopes: ['write'] });
      assert.deepEqual(everyApi?.apis, null);
      assert.deepEqual(everyApi?.scopes, ['write']);
      assert.deepEqual(await store().clients.get('svc'), everyApi);
    });

    it('returns undefined when updating an unknown client', async () => {
      assert.equal(await store().clients.update('svc-unknown', { name: 'x' }), undefined);
      assert.equal(await store().clients.get('svc-unknown'), undefined);
    });
  });
}
