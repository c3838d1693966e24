/**
 * Every answer of the admin API (/api/v1), errors included, and of the OAuth endpoints carries
 * `X-Content-Type-Options: nosniff` and a Content-Security-Policy with `frame-ancestors 'none'`; token answers are
 * also `no-store` (RFC 6749 5.1). The dashboard keeps its own, stricter-for-it policy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminClient, addDashboardUser, signIn } from './support/admin-api.js';
import { assertNoStore, type HttpResult, postForm, postJson, request } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const ADMIN = { username: 'root', password: 'the admin has a long password' };
const ALICE = { username: 'alice-dash', password: 'alice has a long password too' };
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

function assertApiHeaders(result: HttpResult, what: string): void {
  const context = `${what} (status ${result.status})`;
  assert.equal(result.headers.get('x-content-type-options'), 'nosniff', context);
  assert.equal(result.headers.get('content-security-policy'), API_POLICY, context);
  assert.equal(result.headers.get('x-frame-options'), 'DENY', context);
}

describe('security headers', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    await Promise.all([
      addDashboardUser(server, ADMIN.username, ADMIN.password, { admin: true }),
      addDashboardUser(server, ALICE.username, ALICE.password, { scopes: ['read:data'] }),
    ]);
  });
  after(() => server?.stop());

  it('sets them on every /api/v1 answer, successes and errors of every kind', async () => {
    const root = await signIn(server.url, ADMIN.username, ADMIN.password);
    const alice = await signIn(server.url, ALICE.username, ALICE.password);
    const anonymous = AdminClient.anonymous(server.url);
    const cases: Array<[string, number, () => Promise<HttpResult>]> = [
      ['sign-in', 200, () => anonymous.post('/session', ALICE)],
      ['who am I', 200, () => root.get('/session')],
      ['a list', 200, () => root.get('/users')],
      ['the OpenAPI document', 200, () => root.get('/openapi.json')],
      ['no session', 401, () => anonymous.get('/users')],
      ['a wrong password', 401, () => anonymous.post('/session', { ...ALICE, password: 'not the password' })],
      [
        'no CSRF token',
        403,
        () => root.post('/apis', { identifier: 'https://x.test', scopes: ['x'] }, { csrfToken: null }),
      ],
      ['a non-admin', 403, () => alice.get('/users')],
      ['an unknown path', 404, () => root.get('/no-such-thing')],
      ['an unknown user', 404, () => root.delete('/users/usr_nobody')],
      ['a wrong method', 405, () => root.call('PUT', '/session', undefined)],
      ['malformed JSON', 400, () => root.post('/apis', undefined, { rawBody: '{"identifier":' })],
      ['a wrong content type', 400, () => root.post('/apis', undefined, { rawBody: 'x=1', contentType: 'text/plain' })],
      ['sign-out', 204, () => alice.delete('/session')],
    ];
    for (const [what, status, send] of cases) {
      const result = await send();
      assert.equal(result.status, status, `${what}: ${result.text.slice(0, 200)}`);
      assertApiHeaders(result, what);
      assertNoStore(result);
    }
  });

  it('sets them on the OAuth endpoints, with no-store on token answers and errors (RFC 6749 5.1, 5.2)', async () => {
    const token = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: seed.backend });
    const cases: Array<[string, number, boolean, () => Promise<HttpResult>]> = [
      ['a token', 200, true, async () => token],
      [
        'the JSON login',
        200,
        true,
        () => postJson(`${server.url}/token`, { username: 'alice', password: seed.user.password }),
      ],
      [
        'a token error',
        400,
        true,
        () => postForm(`${server.url}/token`, { grant_type: 'nope' }, { basic: seed.backend }),
      ],
      ['a client error', 401, true, () => postForm(`${server.url}/token`, { grant_type: 'client_credentials' })],
      ['introspection', 200, true, () => postForm(`${server.url}/introspect`, { token: 'x' }, { basic: seed.backend })],
      ['revocation', 200, true, () => postForm(`${server.url}/revoke`, { token: 'x' }, { basic: seed.backend })],
      ['a wrong method', 405, true, () => request(`${server.url}/token`)],
      ['an unknown path', 404, true, () => request(`${server.url}/nope`)],
      ['the metadata', 200, false, () => request(`${server.url}/.well-known/oauth-authorization-server`)],
      ['the JWKS', 200, false, () => request(`${server.url}/.well-known/jwks.json`)],
      ['liveness', 200, true, () => request(`${server.url}/healthz`)],
    ];
    for (const [what, status, noStore, send] of cases) {
      const result = await send();
      assert.equal(result.status, status, `${what}: ${result.text.slice(0, 200)}`);
      assertApiHeaders(result, what);
      if (noStore) assertNoStore(result);
    }
  });

  it('sets them on the revocation stream, whose reply bypasses the usual hooks', async () => {
    const controller = new AbortController();
    const authorization = `Basic ${Buffer.from(`${seed.backend.clientId}:${seed.backend.clientSecret}`).toString('base64')}`;
    const response = await fetch(`${server.url}/revocations`, {
      headers: { authorization },
      signal: controller.signal,
    });
    try {
      assert.equal(response.status, 200);
      assertApiHeaders({ status: 200, headers: response.headers, text: '', json: undefined }, 'the stream');
    } finally {
      controller.abort();
    }
  });

  it('leaves the dashboard its own policy, which lets it load its scripts', async () => {
    const result = await request(`${server.url}/dashboard/`);
    assert.equal(result.status, 200, result.text.slice(0, 200));
    assert.match(result.headers.get('content-security-policy') ?? '', /script-src 'self'.*frame-ancestors 'none'/);
    assert.equal(result.headers.get('x-content-type-options'), 'nosniff');
  });
});
