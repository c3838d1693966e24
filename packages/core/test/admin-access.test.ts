import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAllowance, userAllowance } from '../src/admin-access/allowance.js';
import { adminApiIdentifier, adminApiRecord, withAdminApi } from '../src/admin-access/resource.js';
import { ADMIN_SCOPES, scopesAllow } from '../src/admin-access/scopes.js';
import { Conflict, InvalidRequest } from '../src/errors.js';
import type { ApiRecord } from '../src/storage/index.js';
import { MemoryStore } from '../src/testing/index.js';

const ISSUER = 'https://auth.example.com';
const ORDERS: ApiRecord = {
  identifier: 'https://orders.example',
  scopes: ['orders:read'],
  isDefault: true,
  dpop: 'allowed',
  tokenTtlSeconds: 600,
  createdAt: 1,
};

describe('the admin API as a resource', () => {
  it('is <issuer>/api/v1, with or without a trailing slash on the issuer', () => {
    assert.equal(adminApiIdentifier(ISSUER), 'https://auth.example.com/api/v1');
    assert.equal(adminApiIdentifier(`${ISSUER}/`), 'https://auth.example.com/api/v1');
  });

  it('is found by identifier but never listed, never the default, and cannot be added, changed or removed', async () => {
    const store = new MemoryStore();
    const admin = adminApiRecord(ISSUER, 900);
    const apis = withAdminApi(store.apis, admin);
    await apis.add(ORDERS);
    assert.deepEqual(await apis.get(admin.identifier), admin);
    assert.deepEqual(admin.scopes, [...ADMIN_SCOPES]);
    assert.deepEqual(
      (await apis.list()).map((api) => api.identifier),
      [ORDERS.identifier],
    );
    assert.equal((await apis.getDefault())?.identifier, ORDERS.identifier);
    await assert.rejects(apis.add({ ...ORDERS, identifier: admin.identifier }), Conflict);
    await assert.rejects(apis.update(admin.identifier, { scopes: [] }), InvalidRequest);
    await assert.rejects(apis.remove(admin.identifier), InvalidRequest);
    assert.equal(await apis.remove(ORDERS.identifier), true);
  });
});

describe('admin scopes', () => {
  it('are allowed by the scope itself or by tollgate:admin, and by nothing else', () => {
    assert.equal(scopesAllow(['tollgate:users:read'], 'tollgate:users:read'), true);
    assert.equal(scopesAllow(['tollgate:admin'], 'tollgate:keys:write'), true);
    assert.equal(scopesAllow(['tollgate:users:write'], 'tollgate:users:read'), false);
    assert.equal(scopesAllow(['tollgate:users:read', 'orders:read'], 'tollgate:clients:read'), false);
    assert.equal(scopesAllow([], 'tollgate:audit:read'), false);
  });

  it("are in a user's allowance only while the user is an admin", () => {
    assert.deepEqual(userAllowance({ scopes: ['orders:read'], isAdmin: false }), ['orders:read']);
    assert.deepEqual(userAllowance({ scopes: ['orders:read'], isAdmin: true }), ['orders:read', ...ADMIN_SCOPES]);
  });

  it('widen tollgate:admin to every narrower admin scope for a client, and nothing else', () => {
    assert.deepEqual(clientAllowance(['tollgate:users:read']), ['tollgate:users:read']);
    assert.deepEqual(clientAllowance(['orders:read', 'tollgate:admin']), ['orders:read', ...ADMIN_SCOPES]);
    assert.equal(clientAllowance(null), null);
  });
});
