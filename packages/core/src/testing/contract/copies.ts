/**
 * A store hands out and takes in copies: a caller changing a record it stored, or one it read, changes nothing
 * stored. A database gets this for free; a store that keeps objects (in memory, or a cache in front of a database)
 * must make it so, or one request's edits would leak into another's view.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../storage/index.js';
import {
  accessToken,
  api,
  apiToken,
  auditEvent,
  client,
  family,
  refreshToken,
  session,
  signingKey,
  T0,
  user,
  useFreshStore,
} from './records.js';

export function copiesContract(open: () => Promise<Store>): void {
  describe('records in and out are copies', () => {
    const store = useFreshStore(open);

    it('keeps an API, a user and a client as stored when the caller changes what it passed in or read', async () => {
      const stored = { api: api('https://a.example.com'), user: user('alice'), client: client('svc') };
      await store().apis.add(stored.api);
      await store().users.add(stored.user);
      await store().clients.add(stored.client);
      stored.api.scopes.push('added');
      stored.user.scopes.push('added');
      stored.client.grantTypes.push('password');
      (await store().apis.get('https://a.example.com'))?.scopes.push('added');
      (await store().apis.list())[0]?.scopes.push('added');
      (await store().users.getById('user-alice'))?.scopes.push('added');
      (await store().clients.list())[0]?.scopes.push('added');
      assert.deepEqual(await store().apis.get('https://a.example.com'), api('https://a.example.com'));
      assert.deepEqual(await store().users.getByUsername('alice'), user('alice'));
      assert.deepEqual(await store().clients.get('svc'), client('svc'));
    });

    it('keeps a signing key, a refresh token and its family as stored', async () => {
      const key = signingKey('k1', T0);
      await store().keys.rotate(key, T0 + 600);
      key.publicJwk.x = 'changed';
      const [listed] = await store().keys.list();
      if (listed) listed.publicJwk.x = 'changed';
      assert.deepEqual(await store().keys.list(), [signingKey('k1', T0)]);

      const token = refreshToken('r1', 'f1');
      await store().grants.startFamily(family('f1'), token, accessToken('a1'));
      token.scopes.push('admin');
      const found = await store().grants.findRefreshToken('sha256-of-r1');
      found?.token.scopes.push('admin');
      if (found) found.family.revokedAt = T0;
      assert.deepEqual(await store().grants.findRefreshToken('sha256-of-r1'), {
        token: refreshToken('r1', 'f1'),
        family: family('f1'),
      });
    });

    it('keeps an API token, a session, an audit event and a revocation as stored', async () => {
      const token = apiToken('tok_1');
      await store().apiTokens.add(token);
      token.apis.push('https://other.example.com');
      (await store().apiTokens.get('tok_1'))?.scopes.push('write');
      (await store().apiTokens.list())[0]?.apis.push('https://other.example.com');
      assert.deepEqual(await store().apiTokens.findByHash('sha256-of-tok_1'), apiToken('tok_1'));

      const signedIn = session('s1');
      await store().sessions.add(signedIn);
      signedIn.userId = 'user-mallory';
      const read = await store().sessions.get('s1');
      if (read) read.expiresAt = T0 + 999_999;
      assert.deepEqual(await store().sessions.get('s1'), session('s1'));

      const event = auditEvent('api_token.create', { detail: { apis: ['https://a.example.com'] } });
      await store().audit.add(event);
      event.action = 'changed';
      const [logged] = await store().audit.list({ limit: 1 });
      (logged?.detail?.apis as string[] | undefined)?.push('https://other.example.com');
      const [again] = await store().audit.list({ limit: 1 });
      assert.deepEqual(again && { ...again, id: logged?.id }, {
        ...auditEvent('api_token.create', { detail: { apis: ['https://a.example.com'] } }),
        id: logged?.id,
      });

      await store().revocations.add('j1', T0, T0 + 600);
      const [revoked] = await store().revocations.listSince(0, T0, 10);
      if (revoked) revoked.expiresAt = T0;
      assert.equal((await store().revocations.listSince(0, T0, 10))[0]?.expiresAt, T0 + 600);
    });
  });
}
