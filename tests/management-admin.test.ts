import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Actor, DEFAULT_KEY_PROPAGATION_DELAY_SECONDS } from '@tollgate/core';
import {
  ADDRESS,
  BILLING_API,
  type ManagementHarness,
  ORDERS_API,
  PASSWORD,
  openManagementHarness,
  rejectsWithCode,
} from './support/management.js';

describe('admin operations', () => {
  let h: ManagementHarness;
  let alice: Actor;
  let aliceId: string;
  let root: Actor;

  beforeEach(async () => {
    h = await openManagementHarness();
    ({ actor: alice } = await h.addUser('alice'));
    aliceId = alice.userId ?? '';
    ({ actor: root } = await h.addUser('root', { isAdmin: true }));
  });
  afterEach(() => h.close());

  it('refuses every admin operation to a non-admin with Forbidden, and audits the attempt', async () => {
    const ops = h.tollgate.as(alice);
    const attempts: Array<[string, Promise<unknown>]> = [
      ['user.list', ops.users.list()],
      ['user.create', ops.users.create({ username: 'eve', password: PASSWORD, scopes: [] })],
      ['user.update', ops.users.update(aliceId, { isAdmin: true })],
      ['user.password_reset', ops.users.resetPassword(aliceId, PASSWORD)],
      ['user.delete', ops.users.remove(aliceId)],
      ['client.list', ops.clients.list()],
      ['client.create', ops.clients.create({ name: 'x', scopes: [] })],
      ['client.update', ops.clients.update(h.verifier.clientId, { name: 'y' })],
      ['client.rotate_secret', ops.clients.rotateSecret(h.verifier.clientId)],
      ['client.delete', ops.clients.remove(h.verifier.clientId)],
      ['api.create', ops.apis.create({ identifier: 'https://new.test', scopes: [] })],
      ['api.update', ops.apis.update(ORDERS_API, { scopes: [] })],
      ['api.delete', ops.apis.remove(ORDERS_API)],
      ['api.usage', ops.apis.usage(7)],
      ['key.list', ops.keys.list()],
      ['key.rotate', ops.keys.rotate()],
      ['key.retire', ops.keys.retire('some-kid')],
      ['audit.list', ops.audit.list({})],
    ];
    // All run at once; on PostgreSQL later ones reject before the loop awaits them, which must not count as unhandled.
    for (const [, attempt] of attempts) attempt.catch(() => undefined);
    for (const [action, attempt] of attempts) {
      const error = await rejectsWithCode(attempt, 'forbidden');
      assert.equal((error as unknown as { status: number }).status, 403, action);
    }
    const failures = await h.operator.audit.list({ outcome: 'failure', actorName: 'alice', limit: 500 });
    assert.deepEqual(failures.map((e) => e.action).sort(), attempts.map(([action]) => action).sort());
    assert.ok(failures.every((e) => e.address === ADDRESS && e.actorId === aliceId));
    assert.equal((await h.operator.users.list()).find((u) => u.id === aliceId)?.isAdmin, false);
    assert.equal((await h.operator.apis.list()).length, 2, 'every signed-in user may still list APIs');
  });

  it('creates, updates and deletes users, auditing each change', async () => {
    const ops = h.tollgate.as(root);
    const bob = await ops.users.create({ username: 'bob', password: PASSWORD, scopes: ['orders:read'], isAdmin: true });
    assert.equal(bob.isAdmin, true);
    await rejectsWithCode(ops.users.create({ username: 'bob', password: PASSWORD, scopes: [] }), 'ERR_CONFLICT');
    await rejectsWithCode(
      ops.users.create({ username: 'carol', password: 'short', scopes: [] }),
      'ERR_INVALID_REQUEST',
    );
    const updated = await ops.users.update(bob.id, { scopes: ['orders:write'], isAdmin: false });
    assert.deepEqual([updated.scopes, updated.isAdmin], [['orders:write'], false]);
    await ops.users.update(bob.id, { disabled: true });
    await ops.users.update(bob.id, { disabled: false });
    await ops.users.remove(bob.id);
    await rejectsWithCode(ops.users.remove(bob.id), 'ERR_NOT_FOUND');
    const events = await h.operator.audit.list({ target: 'bob' });
    assert.deepEqual(
      events.map((e) => [e.action, e.actorName, e.outcome]),
      [
        ['user.delete', 'root', 'success'],
        ['user.enable', 'root', 'success'],
        ['user.disable', 'root', 'success'],
        ['user.update', 'root', 'success'],
        ['user.create', 'root', 'success'],
      ],
    );
    assert.equal(JSON.stringify(events).includes(PASSWORD), false);
  });

  it('keeps an admin from disabling, demoting or deleting themselves', async () => {
    const ops = h.tollgate.as(root);
    const rootId = root.userId ?? '';
    await rejectsWithCode(ops.users.update(rootId, { disabled: true }), 'ERR_INVALID_REQUEST');
    await rejectsWithCode(ops.users.update(rootId, { isAdmin: false }), 'ERR_INVALID_REQUEST');
    await rejectsWithCode(ops.users.remove(rootId), 'ERR_INVALID_REQUEST');
    const self = (await ops.users.list()).find((u) => u.id === rootId);
    assert.deepEqual([self?.disabled, self?.isAdmin], [false, true]);
  });

  it('rotates a client secret: the new one authenticates, the old one no longer does', async () => {
    const ops = h.tollgate.as(root);
    const created = await ops.clients.create({ name: 'svc', scopes: ['orders:read'], apis: [ORDERS_API] });
    assert.match(created.clientSecret, /^tgs_/);
    const rotated = await ops.clients.rotateSecret(created.client.id);
    assert.notEqual(rotated.clientSecret, created.clientSecret);
    const authenticate = (secret: string) =>
      h.tollgate.authenticateClient(
        { method: 'client_secret_basic', clientId: created.client.id, clientSecret: secret },
        ADDRESS,
      );
    assert.deepEqual(await authenticate(rotated.clientSecret), { clientId: created.client.id });
    await rejectsWithCode(authenticate(created.clientSecret), 'ERR_INVALID_CLIENT');
    const updated = await ops.clients.update(created.client.id, { name: 'svc2', apis: null });
    assert.deepEqual([updated.name, updated.apis], ['svc2', null]);
    const actions = (await h.operator.audit.list({ target: created.client.id })).map((e) => e.action);
    assert.deepEqual(actions, ['client.update', 'client.rotate_secret', 'client.create']);
    assert.equal(JSON.stringify(await h.operator.audit.list({})).includes(rotated.clientSecret), false);
  });

  it('manages APIs and moves the default', async () => {
    const ops = h.tollgate.as(root);
    const created = await ops.apis.create({ identifier: 'https://new.test', scopes: ['a'], tokenTtlSeconds: 300 });
    assert.equal(created.isDefault, false);
    await rejectsWithCode(ops.apis.create({ identifier: 'not a uri', scopes: [] }), 'ERR_INVALID_REQUEST');
    const updated = await ops.apis.update('https://new.test', { isDefault: true, scopes: ['a', 'b'] });
    assert.deepEqual([updated.isDefault, updated.scopes], [true, ['a', 'b']]);
    const orders = (await ops.apis.list()).find((a) => a.identifier === ORDERS_API);
    assert.equal(orders?.isDefault, false);
    await rejectsWithCode(ops.apis.update('https://new.test', { tokenTtlSeconds: 1 }), 'ERR_INVALID_REQUEST');
    await ops.apis.remove('https://new.test');
    await rejectsWithCode(ops.apis.update('https://new.test', {}), 'ERR_NOT_FOUND');
    const actions = (await h.operator.audit.list({ target: 'https://new.test' })).map((e) => e.action);
    assert.deepEqual(actions, ['api.delete', 'api.update', 'api.create']);
  });

  it('rotates signing keys and marks the one that signs', async () => {
    const ops = h.tollgate.as(root);
    const [original] = await ops.keys.list();
    const published = await ops.keys.rotate('EdDSA');
    assert.equal(published.signing, false, 'a rotated key is published first and signs after the propagation delay');
    assert.equal(published.activatesAt, published.createdAt + DEFAULT_KEY_PROPAGATION_DELAY_SECONDS);
    const rotated = await ops.keys.rotate('ES256', { now: true });
    assert.equal(rotated.alg, 'ES256');
    assert.equal(rotated.signing, true);
    const keys = await ops.keys.list();
    assert.deepEqual(
      keys.filter((k) => k.signing).map((k) => k.kid),
      [rotated.kid],
    );
    assert.equal(keys.find((k) => k.kid === original?.kid)?.signing, false);
    await rejectsWithCode(ops.keys.rotate('none'), 'ERR_INVALID_REQUEST');
    const [event] = await h.operator.audit.list({ action: 'key.rotate' });
    assert.equal(event?.target, rotated.kid);
  });

  it('retires a key: gone from the list, a new key signing in its place, audited', async () => {
    const ops = h.tollgate.as(root);
    const signing = (await ops.keys.list()).find((key) => key.signing);
    assert.ok(signing);
    const retired = await ops.keys.retire(signing.kid);
    assert.equal(retired.kid, signing.kid);
    const keys = await ops.keys.list();
    assert.ok(!keys.some((key) => key.kid === signing.kid), 'the retired key is gone');
    const replacement = keys.find((key) => key.signing);
    assert.equal(replacement?.alg, signing.alg);
    await rejectsWithCode(ops.keys.retire(signing.kid), 'ERR_NOT_FOUND');
    const [event] = await h.operator.audit.list({ action: 'key.retire' });
    assert.equal(event?.target, signing.kid);
  });

  it('pages the audit log newest first, with limits 1..500', async () => {
    const ops = h.tollgate.as(root);
    const page = await ops.audit.list({ limit: 2 });
    assert.equal(page.length, 2);
    assert.ok((page[0]?.id ?? 0) > (page[1]?.id ?? 0));
    const next = await ops.audit.list({ limit: 2, before: page[1]?.id });
    assert.ok(next.every((e) => e.id < (page[1]?.id ?? 0)));
    await rejectsWithCode(ops.audit.list({ limit: 0 }), 'ERR_INVALID_REQUEST');
    await rejectsWithCode(ops.audit.list({ limit: 501 }), 'ERR_INVALID_REQUEST');
    const all = await ops.audit.list({});
    assert.ok(all.length >= 5 && all.length <= 100);
  });

  it('revokes a deleted client’s tokens and a deleted user’s sessions', async () => {
    const { client } = await h.operator.clients.create({ name: 'batch', scopes: ['billing:read'] });
    const { secret } = await h.operator.tokens.create({
      name: 'svc',
      apis: [BILLING_API],
      scopes: ['billing:read'],
      owner: { kind: 'client', clientId: client.id },
    });
    await h.operator.clients.remove(client.id);
    assert.deepEqual(await h.introspect(secret), { active: false });
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    await h.tollgate.as(root).users.remove(aliceId);
    assert.equal(await h.tollgate.sessions.resume(sessionId), undefined);
  });
});
