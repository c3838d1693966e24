/**
 * The admin-only part of the admin API: APIs, clients, users, keys, usage per API and the audit log. Every admin
 * endpoint answers an admin, refuses a signed-in non-admin with 403 forbidden and a stranger with 401; changes
 * validate their bodies, answer 404 for unknown ids and 409 for taken names; the OpenAPI document is public.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { USER_API, addApi } from './support/seed.js';
import { clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const NEW_API = 'https://billing.example.com/v2';
const ROOT_PASSWORD = 'root has a long password';
const ALICE_PASSWORD = 'alice has a long password';

/** Every admin-only endpoint, with a body good enough to get past validation. */
const ADMIN_ENDPOINTS: ReadonlyArray<[method: string, path: string, body?: unknown]> = [
  ['POST', '/apis', { identifier: 'https://x.example.com', scopes: ['x'] }],
  ['PATCH', `/apis/${encodeURIComponent(USER_API)}`, { isDefault: false }],
  ['DELETE', `/apis/${encodeURIComponent(USER_API)}`],
  ['GET', '/usage/apis'],
  ['GET', '/clients'],
  ['POST', '/clients', { name: 'sneaky', scopes: [] }],
  ['PATCH', '/clients/some-client', { name: 'renamed' }],
  ['POST', '/clients/some-client/rotate-secret'],
  ['DELETE', '/clients/some-client'],
  ['GET', '/users'],
  ['POST', '/users', { username: 'mallory', password: 'a long enough password', scopes: [] }],
  ['PATCH', '/users/some-user', { isAdmin: true }],
  ['POST', '/users/some-user/password', { password: 'a long enough password' }],
  ['DELETE', '/users/some-user'],
  ['GET', '/keys'],
  ['POST', '/keys/rotate', {}],
  ['POST', '/keys/some-kid/retire'],
  ['GET', '/audit'],
];

describe('the admin-only API', () => {
  let server: TollgateProcess;
  let root: AdminClient;
  let alice: AdminClient;
  before(async () => {
    server = await startTollgate();
    await addApi(server, USER_API, ['read:data', 'write:data'], { isDefault: true });
    await Promise.all([
      addDashboardUser(server, 'root', ROOT_PASSWORD, { admin: true }),
      addDashboardUser(server, 'alice', ALICE_PASSWORD, { scopes: ['read:data'] }),
    ]);
    [root, alice] = await Promise.all([
      signIn(server.url, 'root', ROOT_PASSWORD),
      signIn(server.url, 'alice', ALICE_PASSWORD),
    ]);
  });
  after(() => server?.stop());

  it('refuses every admin endpoint to a signed-in non-admin with 403 forbidden, and to strangers with 401', async () => {
    const stranger = AdminClient.anonymous(server.url);
    for (const [method, path, body] of ADMIN_ENDPOINTS) {
      assertAdminError(await alice.call(method, path, body), 403, 'forbidden');
      assertAdminError(await stranger.call(method, path, body), 401, 'unauthenticated');
    }
    const apis = (await root.get('/apis')).json as { apis: Array<{ identifier: string; isDefault: boolean }> };
    assert.deepEqual(
      apis.apis.map((api) => [api.identifier, api.isDefault]),
      [[USER_API, true]],
      'nothing changed',
    );
  });

  it('lets everyone signed in list APIs, and admins add, change and remove them', async () => {
    const listed = await alice.get('/apis');
    assert.equal(listed.status, 200, listed.text);
    assert.ok((listed.json as { apis: Array<{ identifier: string }> }).apis.some((api) => api.identifier === USER_API));

    const created = await root.post('/apis', { identifier: NEW_API, scopes: ['invoices:read'], tokenTtlSeconds: 600 });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual((created.json as { scopes: string[] }).scopes, ['invoices:read']);
    assertAdminError(await root.post('/apis', { identifier: NEW_API, scopes: [] }), 409, 'conflict');

    const path = `/apis/${encodeURIComponent(NEW_API)}`;
    const changed = await root.patch(path, { scopes: ['invoices:read', 'invoices:write'] });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual((changed.json as { scopes: string[] }).scopes, ['invoices:read', 'invoices:write']);
    assert.match(assertAdminError(await root.patch(path, {}), 400, 'invalid_request'), /at least one of/);
    assert.equal(
      assertAdminError(await root.patch(path, { isDefault: 'yes' }), 400, 'invalid_request'),
      'isDefault must be true or false',
    );
    assertAdminError(
      await root.patch(`/apis/${encodeURIComponent('https://nope.example.com')}`, { isDefault: false }),
      404,
      'not_found',
    );

    assert.equal((await root.delete(path)).status, 204);
    assertAdminError(await root.delete(path), 404, 'not_found');
    assert.equal(
      assertAdminError(await root.post('/apis', { scopes: [] }), 400, 'invalid_request'),
      'identifier is required',
    );
  });

  it('reports API-token requests per API and day', async () => {
    const result = await root.get('/usage/apis?days=14');
    assert.equal(result.status, 200, result.text);
    const { series } = result.json as { series: Array<{ key: string; days: unknown[]; total: number }> };
    const user = series.find((entry) => entry.key === USER_API);
    assert.ok(user, JSON.stringify(series));
    assert.equal(user.days.length, 14);
    assert.equal(user.total, 0);
    assertAdminError(await root.get('/usage/apis?days=1000'), 400, 'invalid_request');
  });

  it('adds, changes, re-keys and removes clients, the secret shown only on create and rotation', async () => {
    const created = await root.post('/clients', {
      name: 'billing',
      scopes: ['read:data'],
      apis: [USER_API],
      grantTypes: ['client_credentials'],
    });
    assert.equal(created.status, 201, created.text);
    const { client, clientSecret } = created.json as { client: { id: string; name: string }; clientSecret: string };
    assert.equal(client.name, 'billing');
    await clientCredentialsToken(server.url, { clientId: client.id, clientSecret });
    assert.match(
      assertAdminError(
        await root.post('/clients', { name: 'x', scopes: [], grantTypes: ['implicit'] }),
        400,
        'invalid_request',
      ),
      /^grantTypes\[0\] must be one of/,
    );

    const listed = (await root.get('/clients')).json as { clients: Array<{ id: string }> };
    assert.ok(listed.clients.some((entry) => entry.id === client.id));
    assert.ok(!JSON.stringify(listed).includes(clientSecret));

    const renamed = await root.patch(`/clients/${client.id}`, { name: 'billing-v2' });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal((renamed.json as { name: string }).name, 'billing-v2');

    const rotated = await root.post(`/clients/${client.id}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.text);
    const next = (rotated.json as { clientSecret: string }).clientSecret;
    assert.notEqual(next, clientSecret);
    await clientCredentialsToken(server.url, { clientId: client.id, clientSecret: next });

    assert.equal((await root.delete(`/clients/${client.id}`)).status, 204);
    for (const call of [
      () => root.delete(`/clients/${client.id}`),
      () => root.post(`/clients/${client.id}/rotate-secret`),
      () => root.patch(`/clients/${client.id}`, { name: 'z' }),
    ]) {
      assertAdminError(await call(), 404, 'not_found');
    }
  });

  it('adds, changes, resets and removes users; a disabled user is signed out', async () => {
    const created = await root.post('/users', {
      username: 'carol',
      password: 'carol has a long password',
      scopes: ['read:data'],
    });
    assert.equal(created.status, 201, created.text);
    const carol = created.json as { id: string; username: string; isAdmin: boolean };
    assert.equal(carol.isAdmin, false);
    assertAdminError(
      await root.post('/users', { username: 'carol', password: 'another long password', scopes: [] }),
      409,
      'conflict',
    );
    assert.equal(
      assertAdminError(await root.post('/users', { username: 'dave', scopes: [] }), 400, 'invalid_request'),
      'password is required',
    );
    assert.ok(
      ((await root.get('/users')).json as { users: Array<{ id: string }> }).users.some((user) => user.id === carol.id),
    );

    const carolSession = await signIn(server.url, 'carol', 'carol has a long password');
    const disabled = await root.patch(`/users/${carol.id}`, { disabled: true });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal((disabled.json as { disabled: boolean }).disabled, true);
    assertAdminError(await carolSession.get('/session'), 401, 'unauthenticated');
    assert.equal((await root.patch(`/users/${carol.id}`, { disabled: false })).status, 200);

    const reset = await root.post(`/users/${carol.id}/password`, { password: 'a brand new long password' });
    assert.equal(reset.status, 204, reset.text);
    await signIn(server.url, 'carol', 'a brand new long password');
    assertAdminError(await root.post(`/users/${carol.id}/password`, {}), 400, 'invalid_request');

    assert.equal((await root.delete(`/users/${carol.id}`)).status, 204);
    assertAdminError(await root.delete(`/users/${carol.id}`), 404, 'not_found');
    assertAdminError(await root.patch(`/users/${carol.id}`, { disabled: true }), 404, 'not_found');
    assertAdminError(
      await root.post(`/users/${carol.id}/password`, { password: 'a brand new long password' }),
      404,
      'not_found',
    );
  });

  it('lists signing keys and rotates to a new one', async () => {
    const before = (await root.get('/keys')).json as { keys: Array<{ kid: string; signing: boolean }> };
    assert.equal(before.keys.filter((key) => key.signing).length, 1);
    const published = await root.post('/keys/rotate');
    assert.equal(published.status, 201, published.text);
    const next = published.json as { signing: boolean; createdAt: number; activatesAt: number };
    assert.equal(next.signing, false, 'published first, signing after the propagation delay');
    assert.ok(next.activatesAt > next.createdAt);
    const rotated = await root.post('/keys/rotate', { now: true });
    assert.equal(rotated.status, 201, rotated.text);
    const key = rotated.json as { kid: string; signing: boolean; alg: string };
    assert.equal(key.signing, true);
    assert.ok(!before.keys.some((old) => old.kid === key.kid));
    const withAlg = await root.post('/keys/rotate', { alg: 'ES256' });
    assert.equal((withAlg.json as { alg: string }).alg, 'ES256');
    assert.match(
      assertAdminError(await root.post('/keys/rotate', { alg: 'none' }), 400, 'invalid_request'),
      /^alg must be one of/,
    );
    const retired = await root.post(`/keys/${key.kid}/retire`);
    assert.equal(retired.status, 200, retired.text);
    const after = (await root.get('/keys')).json as { keys: Array<{ kid: string; signing: boolean }> };
    assert.ok(!after.keys.some((listed) => listed.kid === key.kid), 'the retired key is gone');
    assert.equal(after.keys.filter((listed) => listed.signing).length, 1);
    assertAdminError(await root.post(`/keys/${key.kid}/retire`), 404, 'not_found');
  });

  it('keeps an audit log, filtered and paged, that records refused attempts too', async () => {
    const page = await root.get('/audit?limit=500');
    assert.equal(page.status, 200, page.text);
    const { events, nextBefore } = page.json as {
      events: Array<{ id: number; action: string; actorName: string; outcome: string }>;
      nextBefore: number | null;
    };
    const actions = new Set(events.map((event) => event.action));
    for (const action of [
      'session.sign_in',
      'api.create',
      'api.delete',
      'client.rotate_secret',
      'user.disable',
      'user.password_reset',
      'key.rotate',
    ]) {
      assert.ok(actions.has(action), `no ${action} in ${[...actions].join(', ')}`);
    }
    assert.equal(nextBefore, null);
    assert.ok(
      events.some((event) => event.actorName === 'alice' && event.outcome === 'failure'),
      'the refused attempts are not audited',
    );

    const first = (await root.get('/audit?limit=2')).json as { events: Array<{ id: number }>; nextBefore: number };
    assert.equal(first.events.length, 2);
    assert.equal(first.nextBefore, first.events[1]?.id);
    const second = (await root.get(`/audit?limit=2&before=${first.nextBefore}`)).json as {
      events: Array<{ id: number }>;
    };
    assert.ok(second.events.every((event) => event.id < first.nextBefore));

    const filtered = (await root.get('/audit?action=api.create&actor=root')).json as {
      events: Array<{ action: string }>;
    };
    assert.ok(filtered.events.length >= 1 && filtered.events.every((event) => event.action === 'api.create'));
    assert.equal(
      assertAdminError(await root.get('/audit?limit=0'), 400, 'invalid_request'),
      'limit must be at least 1',
    );
    assert.match(
      assertAdminError(await root.get('/audit?outcome=maybe'), 400, 'invalid_request'),
      /^outcome must be one of/,
    );
    assert.equal(
      assertAdminError(await root.get('/audit?colour=red'), 400, 'invalid_request'),
      'Unknown field: colour',
    );
  });

  it('publishes the OpenAPI 3.1 document to anyone, describing every admin route', async () => {
    const result = await AdminClient.anonymous(server.url).get('/openapi.json');
    assert.equal(result.status, 200, result.text);
    const document = result.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(document.openapi, '3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const [method, path] of ADMIN_ENDPOINTS) {
      const template = path
        .replace(/\/apis\/[^/]+/, '/apis/{identifier}')
        .replace(/\/(clients|users)\/some-(client|user)/, '/$1/{id}')
        .replace('/keys/some-kid/', '/keys/{kid}/');
      assert.ok(operations.includes(`${method} /api/v1${template}`), `${method} ${template} is not documented`);
    }
  });
});
