import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Actor, LOGIN_CLIENT_ID } from '@tollgate/core';
import {
  ADDRESS,
  BILLING_API,
  DAY_SECONDS,
  type ManagementHarness,
  ORDERS_API,
  openManagementHarness,
  rejectsWithCode,
} from './support/management.js';

describe('API token usage', () => {
  let h: ManagementHarness;
  let alice: Actor;
  let tokenId: string;
  let secret: string;
  let jti: string;

  beforeEach(async () => {
    h = await openManagementHarness();
    ({ actor: alice } = await h.addUser('alice'));
    const created = await h.tollgate.as(alice).tokens.create({
      name: 'reporting',
      apis: [ORDERS_API, BILLING_API],
      scopes: ['orders:read', 'billing:read'],
    });
    tokenId = created.token.id;
    secret = created.secret;
    const answer = await h.introspect(secret);
    assert.ok(answer.active);
    jti = answer.jti ?? '';
  });
  afterEach(() => h.close());

  it('adds reported uses to the request count and moves last-used forward', async () => {
    const now = h.now();
    await h.tollgate.reportApiTokenUsage(
      h.verifier,
      [
        { jti, api: ORDERS_API, count: 3, lastUsedAt: now - 30, address: '10.0.0.1' },
        { jti, api: ORDERS_API, count: 2, lastUsedAt: now - 10, address: '10.0.0.2' },
        { jti, api: BILLING_API, count: 1, lastUsedAt: now - 20 },
      ],
      ADDRESS,
    );
    const view = await h.tollgate.as(alice).tokens.get(tokenId);
    assert.equal(view.requestCount, 6);
    assert.equal(view.lastUsedAt, now - 10);
    assert.equal(view.lastUsedAddress, '10.0.0.2');
    await h.tollgate.reportApiTokenUsage(
      h.verifier,
      [{ jti, api: ORDERS_API, count: 1, lastUsedAt: now - 100 }],
      ADDRESS,
    );
    const later = await h.tollgate.as(alice).tokens.get(tokenId);
    assert.equal(later.requestCount, 7);
    assert.equal(later.lastUsedAt, now - 10, 'an older report never moves last-used back');
  });

  it('charts requests per UTC day over the window, with zeros for quiet days', async () => {
    const now = h.now();
    await h.tollgate.reportApiTokenUsage(
      h.verifier,
      [
        { jti, api: ORDERS_API, count: 4, lastUsedAt: now - 2 * DAY_SECONDS },
        { jti, api: ORDERS_API, count: 5, lastUsedAt: now },
        { jti, api: BILLING_API, count: 1, lastUsedAt: now },
      ],
      ADDRESS,
    );
    const series = await h.tollgate.as(alice).tokens.usage(tokenId, 3);
    assert.deepEqual(series, {
      key: tokenId,
      label: 'reporting',
      days: [
        { day: '2025-01-13', count: 4 },
        { day: '2025-01-14', count: 0 },
        { day: '2025-01-15', count: 6 },
      ],
      total: 10,
    });
    const perApi = await h.operator.apis.usage(1);
    assert.deepEqual(
      perApi.map((s) => [s.key, s.total]),
      [
        [ORDERS_API, 5],
        [BILLING_API, 1],
      ],
    );
    await rejectsWithCode(h.tollgate.as(alice).tokens.usage(tokenId, 0), 'ERR_INVALID_REQUEST');
    await rejectsWithCode(h.tollgate.as(alice).tokens.usage(tokenId, 367), 'ERR_INVALID_REQUEST');
  });

  it('skips uses of a secret that was regenerated meanwhile', async () => {
    await h.tollgate.as(alice).tokens.regenerate(tokenId);
    await h.tollgate.reportApiTokenUsage(
      h.verifier,
      [{ jti, api: ORDERS_API, count: 9, lastUsedAt: h.now() }],
      ADDRESS,
    );
    assert.equal((await h.tollgate.as(alice).tokens.get(tokenId)).requestCount, 0);
  });

  it('takes reports only from an authenticated confidential client', async () => {
    const report = [{ jti, api: ORDERS_API, count: 1, lastUsedAt: h.now() }];
    await rejectsWithCode(
      h.tollgate.reportApiTokenUsage({ ...h.verifier, clientSecret: 'tgs_wrong' }, report, ADDRESS),
      'ERR_INVALID_CLIENT',
    );
    await rejectsWithCode(
      h.tollgate.reportApiTokenUsage({ method: 'none', clientId: LOGIN_CLIENT_ID }, report, ADDRESS),
      'ERR_INVALID_CLIENT',
    );
    assert.equal((await h.tollgate.as(alice).tokens.get(tokenId)).requestCount, 0);
  });

  it('refuses a malformed batch whole, writing nothing', async () => {
    const good = { jti, api: ORDERS_API, count: 1, lastUsedAt: h.now() };
    await rejectsWithCode(
      h.tollgate.reportApiTokenUsage(h.verifier, [good, { ...good, count: 0 }], ADDRESS),
      'ERR_INVALID_REQUEST',
    );
    await rejectsWithCode(
      h.tollgate.reportApiTokenUsage(h.verifier, Array(1001).fill(good), ADDRESS),
      'ERR_INVALID_REQUEST',
    );
    assert.equal((await h.tollgate.as(alice).tokens.get(tokenId)).requestCount, 0);
  });
});
