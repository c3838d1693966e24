/**
 * Automation with tokens: the admin API accepts bearer tokens for its own resource (`<issuer>/api/v1`) holding admin
 * scopes, from a service account's client_credentials or an admin's API token. Each operation needs one scope
 * (`tollgate:admin` allows all); the wrong one is 403 insufficient_scope, a bad token 401 invalid_token; every call
 * is authorised and audited as the token's actor; no CSRF token is needed and a cookie beside the token is ignored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { assertBearerRefusal } from './support/challenge.js';
import { assertTokenResponse, type ClientCredentials, type HttpResult, postForm, request } from './support/http.js';
import { dpopKey, tokenEndpointProof } from './support/dpop.js';
import { USER_API, addApi, addClient, cliJson } from './support/seed.js';
import { clientCredentialsToken, revoke } from './support/tokens.js';
import { freePort } from './support/ports.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';

const ROOT_PASSWORD = 'root has a long password';
const OPS_PASSWORD = 'ops has a long password too';
const ALICE_PASSWORD = 'alice has a long password';
const REALM = 'tollgate-admin';

interface AuditEvent {
  actorId: string | null;
  actorName: string;
  action: string;
  target: string | null;
  address: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}

describe('bearer tokens on the admin API', () => {
  let server: TollgateProcess;
  let root: AdminClient;
  let alice: AdminClient;
  let adminApi: string;
  let reader: ClientCredentials;
  let automation: ClientCredentials;

  /** A call with `Authorization: Bearer <token>` and nothing else: no cookie, no CSRF token. */
  function bearer(token: string, method: string, path: string, body?: unknown, cookie?: string): Promise<HttpResult> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (cookie !== undefined) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request(`${server.url}/api/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  function adminToken(client: ClientCredentials, scope: string): Promise<string> {
    return clientCredentialsToken(server.url, client, { resource: adminApi, scope }).then((body) => body.access_token);
  }

  async function auditEvents(query: string): Promise<AuditEvent[]> {
    const result = await root.get(`/audit?${query}`);
    assert.equal(result.status, 200, result.text);
    return (result.json as { events: AuditEvent[] }).events;
  }

  function assertInsufficientScope(result: HttpResult, scope: string): void {
    assertBearerRefusal(result, { status: 403, realm: REALM, error: 'insufficient_scope', scope }, 'wrong scope');
    assertAdminError(result, 403, 'insufficient_scope');
  }

  function assertInvalidToken(result: HttpResult, what: string): void {
    assertBearerRefusal(result, { status: 401, realm: REALM, error: 'invalid_token' }, what);
    assertAdminError(result, 401, 'invalid_token');
  }

  before(async () => {
    // The CLI derives the admin API's identifier from its own issuer, so both are given the same one.
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    server = await startTollgate({ env: { TOLLGATE_PORT: String(port), TOLLGATE_ISSUER: issuer } });
    await addApi(server, USER_API, ['read:data', 'write:data'], { isDefault: true });
    await Promise.all([
      addDashboardUser(server, 'root', ROOT_PASSWORD, { admin: true }),
      addDashboardUser(server, 'ops', OPS_PASSWORD, { admin: true }),
      addDashboardUser(server, 'alice', ALICE_PASSWORD, { scopes: ['read:data'] }),
    ]);
    [reader, automation] = await Promise.all([
      addClient(server, 'ci-reader', { scopes: ['tollgate:tokens:read'] }),
      addClient(server, 'automation', { scopes: ['tollgate:admin', 'read:data'] }),
    ]);
    [root, alice] = await Promise.all([
      signIn(server.url, 'root', ROOT_PASSWORD),
      signIn(server.url, 'alice', ALICE_PASSWORD),
    ]);
    adminApi = `${root.session?.issuer}/api/v1`;
  });
  after(() => server?.stop());

  it('lets a client_credentials token with tollgate:tokens:read list tokens, and refuses it creating a user', async () => {
    const token = await adminToken(reader, 'tollgate:tokens:read');
    const listed = await bearer(token, 'GET', '/tokens?all=true');
    assert.equal(listed.status, 200, listed.text);
    assert.ok(Array.isArray((listed.json as { tokens: unknown[] }).tokens));

    const refused = await bearer(token, 'POST', '/users', {
      username: 'eve',
      password: 'a long enough password',
      scopes: [],
    });
    assertInsufficientScope(refused, 'tollgate:users:write');
    const users = (await root.get('/users')).json as { users: Array<{ username: string }> };
    assert.ok(!users.users.some((user) => user.username === 'eve'), 'no user was created');

    const [denied] = await auditEvents('action=admin_api.insufficient_scope');
    assert.deepEqual(denied && [denied.actorId, denied.actorName, denied.target, denied.outcome, denied.detail], [
      null,
      `client:${reader.clientId}`,
      'POST /api/v1/users',
      'failure',
      { reason: 'insufficient_scope', required: 'tollgate:users:write', held: ['tollgate:tokens:read'] },
    ]);
  });

  it('lets tollgate:admin do everything, without a CSRF token, each call audited as the client', async () => {
    const token = await adminToken(automation, 'tollgate:admin');
    const created = await bearer(token, 'POST', '/users', {
      username: 'bot-made',
      password: 'a long enough password',
      scopes: [],
    });
    assert.equal(created.status, 201, created.text);
    const userId = (created.json as { id: string }).id;
    for (const [method, path, body] of [
      ['GET', '/users'],
      ['GET', '/clients'],
      ['GET', '/apis'],
      ['GET', '/keys'],
      ['GET', '/audit'],
      ['GET', '/usage/apis'],
      ['GET', '/tokens?all=true'],
      ['PATCH', `/users/${userId}`, { scopes: ['read:data'] }],
    ] as const) {
      const result = await bearer(token, method, path, body);
      assert.equal(result.status, 200, `${method} ${path}: ${result.text}`);
    }
    const removed = await bearer(token, 'DELETE', `/users/${userId}`);
    assert.equal(removed.status, 204, removed.text);

    const events = await auditEvents(`actor=${encodeURIComponent(`client:${automation.clientId}`)}`);
    assert.deepEqual(
      events.map((event) => [event.action, event.target, event.outcome, event.actorId]),
      [
        ['user.delete', 'bot-made', 'success', null],
        ['user.update', 'bot-made', 'success', null],
        ['user.create', 'bot-made', 'success', null],
      ],
    );
    assert.ok(
      events.every((event) => event.address !== null),
      'the address is recorded',
    );
  });

  it('decides by the bearer token alone when a session cookie comes with it', async () => {
    const token = await adminToken(reader, 'tollgate:tokens:read');
    const body = { username: 'mallory', password: 'a long enough password', scopes: [] };
    // An admin's cookie adds nothing to a token without the scope ...
    assertInsufficientScope(await bearer(token, 'POST', '/users', body, rootCookie()), 'tollgate:users:write');
    // ... and a non-admin's cookie takes nothing away from one with it.
    const admin = await adminToken(automation, 'tollgate:users:read');
    const listed = await bearer(admin, 'GET', '/users', undefined, `__Host-tollgate_session=${alice.sessionId}`);
    assert.equal(listed.status, 200, listed.text);
    // Session-only endpoints are not for tokens.
    assertAdminError(await bearer(admin, 'GET', '/session', undefined, rootCookie()), 403, 'forbidden');
  });

  it("accepts an admin's API token for the admin API, and stops it at once when the admin is demoted or disabled", async () => {
    const ops = await signIn(server.url, 'ops', OPS_PASSWORD);
    const created = await ops.post('/tokens', {
      name: 'ops automation',
      apis: [adminApi],
      scopes: ['tollgate:users:write', 'tollgate:users:read'],
    });
    assert.equal(created.status, 201, created.text);
    const { secret, token } = created.json as { secret: string; token: { id: string } };

    const made = await bearer(secret, 'POST', '/users', {
      username: 'made-by-ops',
      password: 'a long enough password',
      scopes: [],
    });
    assert.equal(made.status, 201, made.text);
    assertInsufficientScope(await bearer(secret, 'GET', '/keys'), 'tollgate:keys:read');
    const used = (await ops.get(`/tokens/${token.id}`)).json as { requestCount: number; lastUsedAt: number | null };
    assert.deepEqual([used.requestCount, typeof used.lastUsedAt], [1, 'number'], 'the accepted call counts as a use');
    const [event] = await auditEvents('action=user.create&target=made-by-ops');
    assert.deepEqual(event && [event.actorId, event.actorName], [ops.session?.user.id, `ops (token ${token.id})`]);

    const opsId = ops.session?.user.id as string;
    assert.equal((await root.patch(`/users/${opsId}`, { isAdmin: false })).status, 200);
    assertInsufficientScope(await bearer(secret, 'GET', '/users'), 'tollgate:users:read');
    assert.equal((await root.patch(`/users/${opsId}`, { isAdmin: true })).status, 200);
    assert.equal((await bearer(secret, 'GET', '/users')).status, 200, 'works again once an admin again');
    assert.equal((await root.patch(`/users/${opsId}`, { disabled: true })).status, 200);
    assertInvalidToken(await bearer(secret, 'GET', '/users'), 'owner disabled');
  });

  it('lets no narrower scope hand out admin rights: only tollgate:admin makes admins or admin credentials', async () => {
    const users = await adminToken(automation, 'tollgate:users:write');
    const newAdmin = { username: 'raised', password: 'a long enough password', scopes: [], isAdmin: true };
    assertAdminError(await bearer(users, 'POST', '/users', newAdmin), 403, 'forbidden');
    const aliceId = alice.session?.user.id as string;
    assertAdminError(await bearer(users, 'PATCH', `/users/${aliceId}`, { isAdmin: true }), 403, 'forbidden');
    const rootId = root.session?.user.id as string;
    const takeover = { password: 'the attacker chose this one' };
    assertAdminError(await bearer(users, 'POST', `/users/${rootId}/password`, takeover), 403, 'forbidden');

    const clients = await adminToken(automation, 'tollgate:clients:write');
    assertAdminError(
      await bearer(clients, 'PATCH', `/clients/${reader.clientId}`, { scopes: ['tollgate:admin'] }),
      403,
      'forbidden',
    );
    assertAdminError(await bearer(clients, 'POST', `/clients/${automation.clientId}/rotate-secret`), 403, 'forbidden');
    const plain = await bearer(clients, 'POST', '/clients', { name: 'plain', scopes: ['read:data'] });
    assert.equal(plain.status, 201, plain.text);

    const tokens = await adminToken(automation, 'tollgate:tokens:write');
    const forRoot = {
      name: 'for root',
      apis: [adminApi],
      scopes: ['tollgate:admin'],
      owner: { kind: 'user', username: 'root' },
    };
    assertAdminError(await bearer(tokens, 'POST', '/tokens', forRoot), 403, 'forbidden');

    const refused = await auditEvents('outcome=failure&action=user.update');
    assert.deepEqual(refused[0] && [refused[0].actorName, refused[0].target, refused[0].detail], [
      `client:${automation.clientId}`,
      aliceId,
      { reason: 'forbidden', required: 'tollgate:admin' },
    ]);
    const rootAfter = (await root.get('/users')).json as { users: Array<{ username: string; isAdmin: boolean }> };
    assert.deepEqual(rootAfter.users.find((user) => user.username === 'alice')?.isAdmin, false);
  });

  it("lets the operator make an admin's API token for the admin API from the CLI", async () => {
    const created = (await cliJson(server, [
      'tokens',
      'create',
      '--user',
      'root',
      '--name',
      'from the cli',
      '--api',
      adminApi,
      '--scope',
      'tollgate:audit:read',
    ])) as { secret: string; token: { apis: string[]; scopes: string[] } };
    assert.deepEqual([created.token.apis, created.token.scopes], [[adminApi], ['tollgate:audit:read']]);
    const audit = await bearer(created.secret, 'GET', '/audit?limit=1');
    assert.equal(audit.status, 200, audit.text);
    assertInsufficientScope(await bearer(created.secret, 'GET', '/users'), 'tollgate:users:read');
  });

  it('refuses admin scopes on the API token of a non-admin', async () => {
    const refused = await alice.post('/tokens', { name: 'sneaky', apis: [adminApi], scopes: ['tollgate:users:read'] });
    const description = assertAdminError(refused, 400, 'invalid_request');
    assert.match(description, /tollgate:users:read.*admin scope/);
  });

  it('refuses a revoked token within a second, API token and client_credentials JWT alike', async () => {
    const created = await root.post('/tokens', { name: 'short-lived', apis: [adminApi], scopes: ['tollgate:admin'] });
    assert.equal(created.status, 201, created.text);
    const { secret, token } = created.json as { secret: string; token: { id: string } };
    assert.equal((await bearer(secret, 'GET', '/clients')).status, 200);
    assert.equal((await root.delete(`/tokens/${token.id}`)).status, 204);
    await refusedWithinASecond(secret);

    const jwt = await adminToken(automation, 'tollgate:clients:read');
    assert.equal((await bearer(jwt, 'GET', '/clients')).status, 200);
    await revoke(server.url, automation, jwt);
    await refusedWithinASecond(jwt);
  });

  it('refuses tokens for another audience, garbage, and tokens of a deleted client with 401 invalid_token', async () => {
    const other = await clientCredentialsToken(server.url, automation, { resource: USER_API, scope: 'read:data' });
    assertInvalidToken(await bearer(other.access_token, 'GET', '/users'), 'audience of another API');
    assertInvalidToken(await bearer('not.a.token', 'GET', '/users'), 'garbage');
    const malformed = await request(`${server.url}/api/v1/users`, { headers: { authorization: 'Bearer two tokens' } });
    assertBearerRefusal(malformed, { status: 400, realm: REALM, error: 'invalid_request' }, 'malformed header');

    const doomed = await addClient(server, 'doomed', { scopes: ['tollgate:users:read'] });
    const token = await adminToken(doomed, 'tollgate:users:read');
    assert.equal((await bearer(token, 'GET', '/users')).status, 200);
    assert.equal((await root.delete(`/clients/${doomed.clientId}`)).status, 204);
    assertInvalidToken(await bearer(token, 'GET', '/users'), 'deleted client');
  });

  it('refuses a DPoP-bound token presented as a bearer token (RFC 9449 7.2), however good its scope', async () => {
    const params = { grant_type: 'client_credentials', resource: adminApi, scope: 'tollgate:users:read' };
    const issued = await postForm(`${server.url}/token`, params, {
      basic: automation,
      // The proof names the token endpoint under the issuer, which this server was given apart from its port.
      headers: { dpop: await tokenEndpointProof(await dpopKey(), root.session?.issuer ?? '') },
    });
    const bound = assertTokenResponse(issued, 'DPoP').access_token;
    const refused = await bearer(bound, 'GET', '/users');
    assertInvalidToken(refused, 'a DPoP-bound token as Bearer');
    assert.match(refused.headers.get('www-authenticate') ?? '', /DPoP-bound/);
  });

  it('issues admin tokens only for scopes the client is allowed', async () => {
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials', resource: adminApi, scope: 'tollgate:users:write' },
      { basic: reader },
    );
    assert.equal(result.status, 400, result.text);
    assert.equal((result.json as { error: string }).error, 'invalid_scope');
  });

  it('publishes the scope of each operation in the OpenAPI document', async () => {
    const result = await request(`${server.url}/api/v1/openapi.json`);
    const document = result.json as { paths: Record<string, Record<string, { security: unknown[] }>> };
    assert.deepEqual(document.paths['/api/v1/users']?.post?.security, [
      { sessionCookie: [], csrfToken: [] },
      { adminToken: ['tollgate:users:write'] },
    ]);
    assert.deepEqual(document.paths['/api/v1/tokens']?.get?.security, [
      { sessionCookie: [] },
      { adminToken: ['tollgate:tokens:read'] },
    ]);
  });

  function rootCookie(): string {
    return `__Host-tollgate_session=${root.sessionId}`;
  }

  async function refusedWithinASecond(token: string): Promise<void> {
    const { value } = await waitUntil(
      'the revoked token to be refused',
      async () => {
        const result = await bearer(token, 'GET', '/clients');
        return result.status === 401 ? result : undefined;
      },
      { timeoutMs: 1000, intervalMs: 20 },
    );
    assertInvalidToken(value, 'revoked');
  }
});
