/**
 * API tokens through the admin API: create, list, read, regenerate, revoke and usage for the owner; the same 404 for
 * another user's token as for a missing one; admins see everyone's; verifiers report uses at POST /api-tokens/usage
 * and the counts show up. At the end, no secret, cookie or CSRF token is in the server's log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { type ClientCredentials, assertOAuthError, postForm, postJson } from './support/http.js';
import { USER_API, addApi, addClient } from './support/seed.js';
import { assertActive, assertInactive } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const PASSWORDS = {
  root: 'root has a long password',
  alice: 'alice has a long password',
  bob: 'bob has a long password',
};

interface TokenView {
  id: string;
  name: string;
  owner: { kind: string; id: string; name: string };
  apis: string[];
  scopes: string[];
  requestCount: number;
  lastUsedAt: number | null;
  lastUsedAddress: string | null;
  expiresAt: number | null;
}
interface CreatedToken {
  token: TokenView;
  secret: string;
}

describe('API tokens over the admin API', () => {
  let server: TollgateProcess;
  let root: AdminClient;
  let alice: AdminClient;
  let bob: AdminClient;
  let verifier: ClientCredentials;
  const secrets: string[] = [];

  async function createToken(client: AdminClient, name: string, scopes = ['read:data']): Promise<CreatedToken> {
    const result = await client.post('/tokens', { name, apis: [USER_API], scopes });
    assert.equal(result.status, 201, result.text);
    const created = result.json as CreatedToken;
    secrets.push(created.secret);
    return created;
  }

  before(async () => {
    server = await startTollgate();
    await addApi(server, USER_API, ['read:data', 'write:data'], { isDefault: true });
    await Promise.all([
      addDashboardUser(server, 'root', PASSWORDS.root, { admin: true }),
      addDashboardUser(server, 'alice', PASSWORDS.alice, { scopes: ['read:data', 'write:data'] }),
      addDashboardUser(server, 'bob', PASSWORDS.bob, { scopes: ['read:data'] }),
    ]);
    verifier = await addClient(server, 'verifier', {
      scopes: ['read:data'],
      apis: [USER_API],
      grants: ['client_credentials'],
    });
    [root, alice, bob] = await Promise.all([
      signIn(server.url, 'root', PASSWORDS.root),
      signIn(server.url, 'alice', PASSWORDS.alice),
      signIn(server.url, 'bob', PASSWORDS.bob),
    ]);
  });
  after(() => server?.stop());

  it('creates a token for its owner: 201, the secret once, and a token that introspects as active', async () => {
    const created = await createToken(alice, 'ci deploy', ['read:data', 'write:data']);
    assert.equal(created.token.name, 'ci deploy');
    assert.deepEqual(created.token.owner.name, 'alice');
    assert.deepEqual(created.token.apis, [USER_API]);
    assert.ok(!JSON.stringify(created.token).includes(created.secret), 'the view carries the secret');
    const read = await alice.get(`/tokens/${created.token.id}`);
    assert.ok(!read.text.includes(created.secret), 'reading the token shows its secret');
    const introspected = await assertActive(server.url, verifier, created.secret, 'a new API token');
    assert.deepEqual([introspected.aud].flat(), [USER_API]);
  });

  it('lists one’s own tokens, everyone’s only for admins with ?all=true', async () => {
    const mine = await createToken(alice, 'listed');
    const aliceList = await alice.get('/tokens');
    assert.equal(aliceList.status, 200, aliceList.text);
    const aliceIds = (aliceList.json as { tokens: TokenView[] }).tokens.map((token) => token.id);
    assert.ok(aliceIds.includes(mine.token.id));
    const bobList = (await bob.get('/tokens')).json as { tokens: TokenView[] };
    assert.ok(!bobList.tokens.some((token) => token.id === mine.token.id), "bob sees alice's token");
    assertAdminError(await bob.get('/tokens?all=true'), 403, 'forbidden');
    const all = (await root.get('/tokens?all=true')).json as { tokens: TokenView[] };
    assert.ok(all.tokens.some((token) => token.id === mine.token.id));
    assert.match(assertAdminError(await alice.get('/tokens?all=yes'), 400, 'invalid_request'), /^all must be one of/);
  });

  it('reads, regenerates and revokes a token for its owner and for admins', async () => {
    const created = await createToken(alice, 'rotating');
    const read = await alice.get(`/tokens/${created.token.id}`);
    assert.equal(read.status, 200, read.text);
    assert.equal((read.json as TokenView).id, created.token.id);
    assert.equal((await root.get(`/tokens/${created.token.id}`)).status, 200);

    const regenerated = await alice.post(`/tokens/${created.token.id}/regenerate`);
    assert.equal(regenerated.status, 200, regenerated.text);
    const next = regenerated.json as CreatedToken;
    secrets.push(next.secret);
    assert.notEqual(next.secret, created.secret);
    await assertInactive(server.url, verifier, created.secret, 'the replaced secret');
    await assertActive(server.url, verifier, next.secret, 'the regenerated secret');

    const revoked = await root.delete(`/tokens/${created.token.id}`);
    assert.equal(revoked.status, 204, revoked.text);
    assert.equal(revoked.text, '');
    await assertInactive(server.url, verifier, next.secret, 'a revoked token');
    assertAdminError(await alice.get(`/tokens/${created.token.id}`), 404, 'not_found');
  });

  it("answers another user's token exactly like a missing one: 404 on get, regenerate, revoke and usage", async () => {
    const created = await createToken(alice, 'private');
    const missing = 'at_doesnotexist0000';
    const calls = [
      (id: string) => bob.get(`/tokens/${id}`),
      (id: string) => bob.post(`/tokens/${id}/regenerate`),
      (id: string) => bob.delete(`/tokens/${id}`),
      (id: string) => bob.get(`/tokens/${id}/usage`),
    ];
    for (const call of calls) {
      const foreign = await call(created.token.id);
      assertAdminError(foreign, 404, 'not_found');
      const absent = await call(missing);
      assertAdminError(absent, 404, 'not_found');
      assert.equal(foreign.text.replace(created.token.id, 'ID'), absent.text.replace(missing, 'ID'));
    }
    await assertActive(server.url, verifier, created.secret, 'a token bob tried to revoke');
  });

  it('refuses bad token requests with a specific 400', async () => {
    const valid = { name: 'x', apis: [USER_API], scopes: ['read:data'] };
    const cases: Array<[unknown, RegExp]> = [
      [{ apis: [USER_API], scopes: [] }, /^name is required$/],
      [{ ...valid, apis: [] }, /^apis must not be empty$/],
      [{ ...valid, scopes: 'read:data' }, /^scopes must be an array$/],
      [{ ...valid, expiresInSeconds: 'never' }, /^expiresInSeconds must be a number$/],
      [{ ...valid, colour: 'red' }, /^Unknown field: colour$/],
      [{ ...valid, apis: ['https://unknown.example.com'] }, /unknown\.example\.com|API/i],
      [{ ...valid, scopes: ['write:data'] }, /write:data|scope/i],
    ];
    for (const [body, description] of cases) {
      const result = await bob.post('/tokens', body);
      assert.match(assertAdminError(result, 400, 'invalid_request'), description, JSON.stringify(body));
    }
    const form = await bob.post('/tokens', undefined, {
      rawBody: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.match(assertAdminError(form, 400, 'invalid_request'), /Content-Type must be application\/json/);
  });

  it('refuses token changes without the CSRF token, from a foreign Origin, or signed out', async () => {
    const body = { name: 'x', apis: [USER_API], scopes: ['read:data'] };
    assertAdminError(await alice.post('/tokens', body, { csrfToken: null }), 403, 'csrf_failed');
    assertAdminError(await alice.post('/tokens', body, { csrfToken: 'wrong' }), 403, 'csrf_failed');
    assertAdminError(await alice.post('/tokens', body, { origin: 'https://evil.example' }), 403, 'csrf_failed');
    assertAdminError(await alice.post('/tokens', body, { cookie: null }), 401, 'unauthenticated');
    for (const path of ['/tokens', '/tokens/x', '/tokens/x/usage']) {
      assertAdminError(await alice.get(path, { cookie: null }), 401, 'unauthenticated');
    }
  });

  it('counts uses a verifier reports at POST /api-tokens/usage, shown in the token and its usage', async () => {
    const created = await createToken(alice, 'reported');
    const { jti } = await assertActive(server.url, verifier, created.secret, 'the reported token');
    const lastUsedAt = Math.floor(Date.now() / 1000) - 5;
    const reports = [
      { jti, api: USER_API, count: 3, lastUsedAt: lastUsedAt - 60 },
      { jti, api: USER_API, count: 4, lastUsedAt, address: '203.0.113.7' },
    ];
    const usageUrl = `${server.url}/api-tokens/usage`;
    assertOAuthError(await postJson(usageUrl, { reports }), 401, 'invalid_client');
    assertOAuthError(
      await postJson(usageUrl, { reports }, { basic: { ...verifier, clientSecret: 'wrong' } }),
      401,
      'invalid_client',
    );
    assertOAuthError(await postJson(usageUrl, { reports: 'many' }, { basic: verifier }), 400, 'invalid_request');
    const tooMany = Array.from({ length: 1001 }, () => reports[0]);
    const refused = assertOAuthError(
      await postJson(usageUrl, { reports: tooMany }, { basic: verifier }),
      400,
      'invalid_request',
    );
    assert.equal(refused.error_description, 'reports must have at most 1000 entries');
    const form = await postForm(usageUrl, { reports: '[]' }, { basic: verifier });
    assert.equal(
      assertOAuthError(form, 400, 'invalid_request').error_description,
      'Content-Type must be application/json',
    );
    const accepted = await postJson(usageUrl, { reports }, { basic: verifier });
    assert.equal(accepted.status, 204, accepted.text);

    const token = (await alice.get(`/tokens/${created.token.id}`)).json as TokenView;
    assert.equal(token.requestCount, 7);
    assert.equal(token.lastUsedAt, lastUsedAt);
    assert.equal(token.lastUsedAddress, '203.0.113.7');
    const usage = await alice.get(`/tokens/${created.token.id}/usage?days=7`);
    assert.equal(usage.status, 200, usage.text);
    const series = usage.json as { key: string; days: Array<{ day: string; count: number }>; total: number };
    assert.equal(series.key, created.token.id);
    assert.equal(series.days.length, 7);
    assert.equal(series.total, 7);
    assert.equal(((await alice.get(`/tokens/${created.token.id}/usage`)).json as typeof series).days.length, 30);
    assert.equal(
      assertAdminError(await alice.get(`/tokens/${created.token.id}/usage?days=0`), 400, 'invalid_request'),
      'days must be at least 1',
    );
    assertAdminError(await alice.get(`/tokens/${created.token.id}/usage?days=367`), 400, 'invalid_request');
  });

  it('writes no token secret, session cookie, CSRF token or password into the server log', () => {
    const log = server.output();
    const sessions = [root, alice, bob];
    const values = [
      ...secrets,
      ...sessions.map((client) => client.sessionId ?? 'missing'),
      ...sessions.map((client) => client.session?.csrfToken ?? 'missing'),
      ...Object.values(PASSWORDS),
      verifier.clientSecret,
    ];
    assert.ok(secrets.length >= 5);
    for (const value of values) assert.ok(!log.includes(value), `the log contains ${value.slice(0, 6)}…`);
  });
});
