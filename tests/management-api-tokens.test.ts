import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { API_TOKEN_CLIENT_ID, type Actor, LOGIN_CLIENT_ID } from '@tollgate/core';
import {
  ADDRESS,
  BILLING_API,
  DAY_SECONDS,
  ISSUER,
  type ManagementHarness,
  ORDERS_API,
  openManagementHarness,
  rejectsWithCode,
} from './support/management.js';

describe('API tokens', () => {
  let h: ManagementHarness;
  let alice: Actor;
  let aliceId: string;

  beforeEach(async () => {
    h = await openManagementHarness();
    const added = await h.addUser('alice', { scopes: ['orders:read', 'orders:write', 'billing:read'] });
    alice = added.actor;
    aliceId = added.user.id;
  });
  afterEach(() => h.close());

  it('creates a token that introspects active with its APIs as aud and its scopes', async () => {
    const { token, secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'deploy', apis: [ORDERS_API, BILLING_API], scopes: ['orders:read', 'billing:read'] });
    assert.match(secret, /^tg_[0-9A-Za-z]{49}$/);
    assert.deepEqual(token.owner, { kind: 'user', id: aliceId, name: 'alice' });
    assert.equal(token.expiresAt, h.now() + 90 * DAY_SECONDS);
    const answer = await h.introspect(secret);
    assert.ok(answer.active);
    assert.deepEqual(answer.aud, [ORDERS_API, BILLING_API]);
    assert.equal(answer.scope, 'orders:read billing:read');
    assert.equal(answer.sub, aliceId);
    assert.equal(answer.username, 'alice');
    assert.equal(answer.client_id, API_TOKEN_CLIENT_ID);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.iss, ISSUER);
    assert.equal(answer.iat, h.now());
    assert.equal(answer.exp, token.expiresAt);
    assert.match(answer.jti ?? '', /^tgj_/);
  });

  it('never returns the secret or its hash from list or get', async () => {
    const { token, secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'ci', apis: [ORDERS_API], scopes: ['orders:read'] });
    const listed = await h.tollgate.as(alice).tokens.list();
    const fetched = await h.tollgate.as(alice).tokens.get(token.id);
    const text = JSON.stringify([listed, fetched]);
    assert.equal(text.includes(secret), false);
    assert.equal(text.includes(secret.slice(3)), false);
    assert.equal(Object.hasOwn(fetched, 'tokenHash'), false);
    assert.deepEqual(
      listed.map((t) => t.id),
      [token.id],
    );
  });

  it('answers inactive for a token with a one-character typo', async () => {
    const { secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'x', apis: [ORDERS_API], scopes: ['orders:read'] });
    const last = secret.at(-1) === 'A' ? 'B' : 'A';
    assert.deepEqual(await h.introspect(secret.slice(0, -1) + last), { active: false });
  });

  it('regenerating makes the old secret inactive, puts its jti on the revocation list, and the new one works', async () => {
    const ops = h.tollgate.as(alice).tokens;
    const first = await ops.create({ name: 'rotate-me', apis: [ORDERS_API], scopes: ['orders:read'] });
    const before = await h.introspect(first.secret);
    assert.ok(before.active);
    h.advance(60);
    const second = await ops.regenerate(first.token.id);
    assert.equal(second.token.id, first.token.id);
    assert.notEqual(second.secret, first.secret);
    assert.equal(second.token.regeneratedAt, h.now());
    assert.deepEqual(await h.introspect(first.secret), { active: false });
    const after = await h.introspect(second.secret);
    assert.ok(after.active);
    assert.notEqual(after.jti, before.jti);
    assert.equal(after.iat, h.now());
    assert.equal(await h.store.revocations.isRevoked(before.jti ?? ''), true);
    assert.equal(await h.store.revocations.isRevoked(after.jti ?? ''), false);
    const listed = await h.store.revocations.listSince(0, h.now(), 10);
    const entry = listed.find((r) => r.jti === before.jti);
    assert.equal(entry?.expiresAt, h.now() + DAY_SECONDS);
  });

  it('revoking makes the token inactive and gone', async () => {
    const ops = h.tollgate.as(alice).tokens;
    const { token, secret } = await ops.create({ name: 'bye', apis: [ORDERS_API], scopes: ['orders:read'] });
    const jti = (await h.introspect(secret)) as { jti?: string };
    await ops.revoke(token.id);
    assert.deepEqual(await h.introspect(secret), { active: false });
    assert.equal(await h.store.revocations.isRevoked(jti.jti ?? ''), true);
    await rejectsWithCode(ops.get(token.id), 'ERR_NOT_FOUND');
  });

  it('lets anyone holding the secret revoke it at the RFC 7009 endpoint, even the public login client', async () => {
    const { token, secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'leaked', apis: [ORDERS_API], scopes: ['orders:read'] });
    await h.tollgate.revoke({
      token: secret,
      tokenTypeHint: undefined,
      client: { method: 'none', clientId: LOGIN_CLIENT_ID },
      remoteAddress: '198.51.100.7',
    });
    assert.deepEqual(await h.introspect(secret), { active: false });
    const [event] = await h.operator.audit.list({ action: 'api_token.revoke' });
    assert.equal(event?.target, token.id);
    assert.equal(event?.actorName, 'revocation endpoint');
    assert.equal(event?.address, '198.51.100.7');
  });

  it('stops working when it expires', async () => {
    const { secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'short', apis: [ORDERS_API], scopes: ['orders:read'], expiresInSeconds: 3600 });
    h.advance(3599);
    assert.equal((await h.introspect(secret)).active, true);
    h.advance(1);
    assert.deepEqual(await h.introspect(secret), { active: false });
  });

  it('flags tokens in their last week or last quarter of life, whichever is shorter', async () => {
    const ops = h.tollgate.as(alice).tokens;
    const create = (name: string, days: number) =>
      ops.create({ name, apis: [ORDERS_API], scopes: ['orders:read'], expiresInSeconds: days * DAY_SECONDS });
    const { token: weekly } = await create('weekly', 7);
    const { token: quarterly } = await create('quarterly', 90);
    assert.equal(weekly.expiringSoon, false, 'a 7-day token is not expiring soon when made');
    h.advance(5 * DAY_SECONDS);
    assert.equal((await ops.get(weekly.id)).expiringSoon, false, '2 days of 7 left');
    h.advance(DAY_SECONDS / 4);
    assert.equal((await ops.get(weekly.id)).expiringSoon, true, '42 hours of 7 days left');
    h.advance(77 * DAY_SECONDS);
    assert.equal((await ops.get(quarterly.id)).expiringSoon, false, 'a little under 8 days of 90 left');
    h.advance(DAY_SECONDS);
    assert.equal((await ops.get(quarterly.id)).expiringSoon, true, 'a little under 7 days of 90 left');
    h.advance(7 * DAY_SECONDS);
    const expired = await ops.get(quarterly.id);
    assert.equal(expired.expired, true);
    assert.equal(expired.expiringSoon, true);
    await rejectsWithCode(ops.regenerate(quarterly.id), 'ERR_INVALID_REQUEST');
  });

  it('stops working while its owner is disabled, and again after re-enabling', async () => {
    const { secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'x', apis: [ORDERS_API], scopes: ['orders:read'] });
    await h.operator.users.update(aliceId, { disabled: true });
    assert.deepEqual(await h.introspect(secret), { active: false });
    await h.operator.users.update(aliceId, { disabled: false });
    assert.equal((await h.introspect(secret)).active, true);
  });

  it('loses scopes its owner loses later', async () => {
    const { secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'x', apis: [ORDERS_API], scopes: ['orders:read', 'orders:write'] });
    await h.operator.users.update(aliceId, { scopes: ['orders:read'] });
    const answer = await h.introspect(secret);
    assert.ok(answer.active);
    assert.equal(answer.scope, 'orders:read');
  });

  it('is revoked with its owner when the user is deleted', async () => {
    const { secret } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'x', apis: [ORDERS_API], scopes: ['orders:read'] });
    await h.operator.users.remove(aliceId);
    assert.deepEqual(await h.introspect(secret), { active: false });
    assert.deepEqual(await h.operator.tokens.list({ all: true }), []);
  });

  it('refuses scopes beyond the owner, scopes no chosen API offers, unknown APIs and no APIs', async () => {
    const { actor } = await h.addUser('reader', { scopes: ['orders:read'] });
    const ops = h.tollgate.as(actor).tokens;
    const wider = await rejectsWithCode(
      ops.create({ name: 'x', apis: [ORDERS_API], scopes: ['orders:write'] }),
      'ERR_INVALID_SCOPE',
    );
    assert.match(wider.description, /orders:write/);
    const unoffered = await rejectsWithCode(
      h.tollgate.as(alice).tokens.create({ name: 'x', apis: [ORDERS_API], scopes: ['billing:read'] }),
      'ERR_INVALID_SCOPE',
    );
    assert.match(unoffered.description, /billing:read/);
    await rejectsWithCode(
      ops.create({ name: 'x', apis: ['https://nope.test'], scopes: ['orders:read'] }),
      'ERR_INVALID_REQUEST',
    );
    await rejectsWithCode(ops.create({ name: 'x', apis: [], scopes: ['orders:read'] }), 'ERR_INVALID_REQUEST');
    await rejectsWithCode(ops.create({ name: '', apis: [ORDERS_API], scopes: ['orders:read'] }), 'ERR_INVALID_REQUEST');
    assert.deepEqual(await h.operator.tokens.list({ all: true }), []);
  });

  it('refuses a never-expiring token unless the server allows it', async () => {
    const input = { name: 'forever', apis: [ORDERS_API], scopes: ['orders:read'], expiresInSeconds: null };
    await rejectsWithCode(h.tollgate.as(alice).tokens.create(input), 'ERR_INVALID_REQUEST');
    const lenient = await openManagementHarness({ management: { allowNeverExpiringApiTokens: true } });
    try {
      const { actor } = await lenient.addUser('bob');
      const { token, secret } = await lenient.tollgate.as(actor).tokens.create(input);
      assert.equal(token.expiresAt, null);
      lenient.advance(10 * 365 * DAY_SECONDS);
      const answer = await lenient.introspect(secret);
      assert.ok(answer.active);
      assert.equal(Object.hasOwn(answer, 'exp'), false);
    } finally {
      await lenient.close();
    }
  });

  it('hides other users’ tokens behind NotFound, while admins reach them', async () => {
    const { token } = await h.tollgate
      .as(alice)
      .tokens.create({ name: 'mine', apis: [ORDERS_API], scopes: ['orders:read'] });
    const { actor: mallory } = await h.addUser('mallory');
    const ops = h.tollgate.as(mallory).tokens;
    await rejectsWithCode(ops.get(token.id), 'ERR_NOT_FOUND');
    await rejectsWithCode(ops.regenerate(token.id), 'ERR_NOT_FOUND');
    await rejectsWithCode(ops.revoke(token.id), 'ERR_NOT_FOUND');
    await rejectsWithCode(ops.usage(token.id, 7), 'ERR_NOT_FOUND');
    await rejectsWithCode(ops.get('tok_doesnotexist'), 'ERR_NOT_FOUND');
    assert.deepEqual(await ops.list(), []);
    await rejectsWithCode(ops.list({ all: true }), 'forbidden');
    const { actor: root } = await h.addUser('root', { isAdmin: true });
    assert.equal((await h.tollgate.as(root).tokens.get(token.id)).id, token.id);
    assert.equal((await h.tollgate.as(root).tokens.list({ all: true })).length, 1);
  });

  it('lets only admins create tokens for another user or a client', async () => {
    const input = { name: 'svc', apis: [ORDERS_API], scopes: ['orders:read'] };
    await rejectsWithCode(
      h.tollgate.as(alice).tokens.create({ ...input, owner: { kind: 'user', username: 'root' } }),
      'forbidden',
    );
    await rejectsWithCode(h.operator.tokens.create(input), 'ERR_INVALID_REQUEST');
    const forAlice = await h.operator.tokens.create({ ...input, owner: { kind: 'user', username: 'alice' } });
    assert.equal(forAlice.token.owner.id, aliceId);
    assert.equal((await h.tollgate.as(alice).tokens.list()).length, 1);
  });

  it('makes client-owned tokens (service accounts) limited by the client’s APIs and scopes', async () => {
    const { client } = await h.operator.clients.create({ name: 'batch', scopes: ['orders:read'], apis: [ORDERS_API] });
    const owner = { kind: 'client' as const, clientId: client.id };
    await rejectsWithCode(
      h.operator.tokens.create({ name: 'svc', apis: [BILLING_API], scopes: ['billing:read'], owner }),
      'ERR_INVALID_REQUEST',
    );
    const { token, secret } = await h.operator.tokens.create({
      name: 'svc',
      apis: [ORDERS_API],
      scopes: ['orders:read'],
      owner,
    });
    assert.deepEqual(token.owner, { kind: 'client', id: client.id, name: 'batch' });
    const answer = await h.introspect(secret);
    assert.ok(answer.active);
    assert.equal(answer.client_id, client.id);
    assert.equal(answer.sub, client.id);
    assert.equal(Object.hasOwn(answer, 'username'), false);
    await h.operator.clients.remove(client.id);
    assert.deepEqual(await h.introspect(secret), { active: false });
  });

  it('audits create, regenerate and revoke with actor, address and target, never the secret', async () => {
    const ops = h.tollgate.as(alice).tokens;
    const { token, secret } = await ops.create({ name: 'audited', apis: [ORDERS_API], scopes: ['orders:read'] });
    const regenerated = await ops.regenerate(token.id);
    await ops.revoke(token.id);
    const events = await h.operator.audit.list({ target: token.id });
    assert.deepEqual(
      events.map((e) => [e.action, e.outcome, e.actorName, e.actorId, e.address]),
      [
        ['api_token.revoke', 'success', 'alice', aliceId, ADDRESS],
        ['api_token.regenerate', 'success', 'alice', aliceId, ADDRESS],
        ['api_token.create', 'success', 'alice', aliceId, ADDRESS],
      ],
    );
    const text = JSON.stringify(await h.operator.audit.list({ limit: 500 }));
    for (const value of [secret, regenerated.secret]) assert.equal(text.includes(value.slice(3, 20)), false);
  });
});
