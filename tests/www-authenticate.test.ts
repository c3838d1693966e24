/**
 * RFC 9110 15.5.2: every 401 the server sends carries WWW-Authenticate. The OAuth endpoints challenge with HTTP
 * Basic (RFC 6749 2.3.1, 5.2) whatever the client tried; the admin API, which authenticates by session cookie, with
 * the `Cookie` scheme documented in docs/admin-api.md. Each 401 path the server has is listed here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminClient, SESSION_COOKIE } from './support/admin-api.js';
import { basicAuthorization, type HttpResult, postForm, postJson, request } from './support/http.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const BASIC = 'Basic realm="tollgate"';
const COOKIE = `Cookie realm="tollgate-admin", form-action="/api/v1/session", cookie-name="${SESSION_COOKIE}"`;

function assertChallenge(result: HttpResult, challenge: string, what: string): void {
  const context = `${what}: status ${result.status}, body ${result.text.slice(0, 200)}`;
  assert.equal(result.status, 401, context);
  assert.equal(result.headers.get('www-authenticate'), challenge, context);
}

describe('WWW-Authenticate on every 401', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('challenges with Basic at /token, /introspect and /revoke, however the client failed', async () => {
    const wrong = { clientId: seed.backend.clientId, clientSecret: 'wrong' };
    const grant = { grant_type: 'client_credentials' };
    const cases: Array<[string, () => Promise<HttpResult>]> = [];
    for (const [path, params] of [
      ['/token', grant],
      ['/introspect', { token: 'x' }],
      ['/revoke', { token: 'x' }],
    ] as const) {
      const url = `${server.url}${path}`;
      cases.push(
        [`${path}, wrong client_secret_basic`, () => postForm(url, params, { basic: wrong })],
        [
          `${path}, wrong client_secret_post`,
          () => postForm(url, { ...params, client_id: wrong.clientId, client_secret: 'wrong' }),
        ],
        [
          `${path}, a confidential client_id without its secret`,
          () => postForm(url, { ...params, client_id: wrong.clientId }),
        ],
        [
          `${path}, malformed Basic credentials`,
          () => postForm(url, params, { headers: { authorization: 'Basic !!!' } }),
        ],
        [
          `${path}, an unknown client`,
          () => postForm(url, params, { basic: { clientId: 'cl_nobody', clientSecret: 'x' } }),
        ],
      );
    }
    // No client authentication at all where it is required: the client_credentials grant and introspection.
    cases.push(
      ['/token, client_credentials without client authentication', () => postForm(`${server.url}/token`, grant)],
      ['/introspect without client authentication', () => postForm(`${server.url}/introspect`, { token: 'x' })],
      [
        '/token, JSON body, wrong client_secret_post',
        () => postJson(`${server.url}/token`, { ...grant, client_id: wrong.clientId, client_secret: 'wrong' }),
      ],
    );
    for (const [what, send] of cases) assertChallenge(await send(), BASIC, what);
  });

  it('challenges with Basic at the revocation stream and the usage endpoint', async () => {
    const wrong = basicAuthorization(seed.backend.clientId, 'wrong');
    const stream = `${server.url}/revocations`;
    const usage = `${server.url}/api-tokens/usage`;
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ reports: [] });
    const cases: Array<[string, () => Promise<HttpResult>]> = [
      ['/revocations without credentials', () => request(stream)],
      ['/revocations, wrong secret', () => request(stream, { headers: { authorization: wrong } })],
      ['/api-tokens/usage without credentials', () => request(usage, { method: 'POST', headers: json, body })],
      [
        '/api-tokens/usage, wrong secret',
        () => request(usage, { method: 'POST', headers: { ...json, authorization: wrong }, body }),
      ],
    ];
    for (const [what, send] of cases) assertChallenge(await send(), BASIC, what);
  });

  it('challenges with the Cookie scheme on the admin API, and never with Basic (no browser password dialog)', async () => {
    const anonymous = AdminClient.anonymous(server.url);
    const cases: Array<[string, () => Promise<HttpResult>]> = [
      ['GET /session without a session', () => anonymous.get('/session')],
      ['GET /users without a session', () => anonymous.get('/users')],
      ['GET /users with an unknown session', () => anonymous.get('/users', { cookie: `${SESSION_COOKIE}=nope` })],
      ['DELETE /session without a session', () => anonymous.delete('/session')],
      [
        'POST /session with a wrong password',
        () => anonymous.post('/session', { username: seed.user.username, password: 'not the password' }),
      ],
      [
        'POST /session for an unknown user',
        () => anonymous.post('/session', { username: 'nobody', password: 'x'.repeat(12) }),
      ],
    ];
    for (const [what, send] of cases) {
      const result = await send();
      assertChallenge(result, COOKIE, what);
      assert.equal((result.json as { error?: unknown }).error, 'unauthenticated', what);
    }
  });
});
