/**
 * The seed's simple login: `POST /token` with a JSON `{username, password}` and no client, exactly as a
 * plain HTTP client sends it; the form-encoded password grant (RFC 6749 4.3); switching the login off.
 */
import axios from 'axios';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, assertTokenResponse, postForm, postJson } from './support/http.js';
import { verifyAccessToken } from './support/jwt.js';
import { addUser, type StandardSeed, seedStandard, USER_API, USER_API_SCOPES } from './support/seed.js';
import { assertActive, jsonLogin, refreshRequest } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const LOGIN_CLIENT_ID = 'tollgate-login';

describe('simple JSON login', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
  });
  after(() => server?.stop());

  it('issues a Bearer token for {username, password} sent with plain fetch', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: seed.user.username, password: seed.user.password }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(response.headers.get('pragma'), 'no-cache');
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 900, 'access tokens last 15 minutes by default');
    assert.equal(body.scope, 'read:data write:data');
    assert.equal(typeof body.refresh_token, 'string');
  });

  it('issues an RFC 9068 access token for the default API, signed with EdDSA', async () => {
    const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
    const { payload, header } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'EdDSA');
    assert.equal(payload.iss, server.url);
    assert.equal(payload.aud, USER_API);
    assert.equal(payload.client_id, LOGIN_CLIENT_ID);
    assert.equal(payload.scope, tokens.scope);
    assert.equal(typeof payload.sub, 'string');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), tokens.expires_in);
    assert.ok(Math.abs((payload.iat ?? 0) - Date.now() / 1000) < 60, 'iat is now');
  });

  it('works unchanged with axios', async () => {
    const response = await axios.post(`${server.url}/token`, {
      username: seed.user.username,
      password: seed.user.password,
    });
    assert.equal(response.status, 200);
    const accessToken = (response.data as { access_token: string }).access_token;
    const { payload } = await verifyAccessToken(server.url, accessToken, USER_API);
    assert.equal(payload.client_id, LOGIN_CLIENT_ID);
  });

  it('gives distinct jti and refresh tokens to two logins', async () => {
    const [first, second] = await Promise.all([
      jsonLogin(server.url, seed.user.username, seed.user.password),
      jsonLogin(server.url, seed.user.username, seed.user.password),
    ]);
    assert.notEqual(first.refresh_token, second.refresh_token);
    const a = await verifyAccessToken(server.url, first.access_token, USER_API);
    const b = await verifyAccessToken(server.url, second.access_token, USER_API);
    assert.notEqual(a.payload.jti, b.payload.jti);
  });

  it('refreshes a login token without client authentication, rotating the refresh token', async () => {
    const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
    assert.ok(tokens.refresh_token);
    const refreshed = assertTokenResponse(await refreshRequest(server.url, tokens.refresh_token));
    assert.ok(refreshed.refresh_token, 'a rotated refresh token is returned');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    const { payload } = await verifyAccessToken(server.url, refreshed.access_token, USER_API);
    assert.equal(payload.client_id, LOGIN_CLIENT_ID);
  });

  it('narrows the login scope to what was asked for', async () => {
    const result = await postJson(`${server.url}/token`, {
      username: seed.user.username,
      password: seed.user.password,
      scope: 'read:data',
    });
    assert.equal(assertTokenResponse(result).scope, 'read:data');
  });

  it('accepts the form-encoded password grant without a client (the login client)', async () => {
    const result = await postForm(`${server.url}/token`, {
      grant_type: 'password',
      username: seed.user.username,
      password: seed.user.password,
    });
    const tokens = assertTokenResponse(result);
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(payload.client_id, LOGIN_CLIENT_ID);
  });

  it('accepts the form-encoded password grant from a confidential client, for that client', async () => {
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'password', username: seed.user.username, password: seed.user.password, scope: 'read:data' },
      { basic: seed.backend },
    );
    const tokens = assertTokenResponse(result);
    assert.equal(tokens.scope, 'read:data');
    const introspection = await assertActive(server.url, seed.backend, tokens.access_token, 'password-grant token');
    assert.equal(introspection.client_id, seed.backend.clientId);
    assert.equal(introspection.username, seed.user.username);
    assert.equal(introspection.aud, USER_API);
  });

  it('reads a password with non-ASCII and form-special characters exactly', async () => {
    const password = 'pä$$ w+rd&=%20é✓';
    await addUser(server, 'zoë', password, USER_API_SCOPES);
    assertTokenResponse(await postForm(`${server.url}/token`, { grant_type: 'password', username: 'zoë', password }));
    await jsonLogin(server.url, 'zoë', password);
  });
});

describe('simple JSON login switched off', () => {
  for (const [how, options] of [
    ['in the config file', { config: { passwordLogin: false } }],
    ['with TOLLGATE_PASSWORD_LOGIN=false', { env: { TOLLGATE_PASSWORD_LOGIN: 'false' } }],
  ] as const) {
    describe(how, () => {
      let server: TollgateProcess;
      let seed: StandardSeed;
      before(async () => {
        server = await startTollgate(options);
        seed = await seedStandard(server);
      });
      after(() => server?.stop());

      it('refuses the JSON login with invalid_request', async () => {
        const result = await postJson(`${server.url}/token`, {
          username: seed.user.username,
          password: seed.user.password,
        });
        assertOAuthError(result, 400, 'invalid_request');
      });

      it('refuses the password grant without client authentication with invalid_client', async () => {
        const result = await postForm(`${server.url}/token`, {
          grant_type: 'password',
          username: seed.user.username,
          password: seed.user.password,
        });
        assertOAuthError(result, 401, 'invalid_client');
      });

      it('still serves the password grant to an authenticated confidential client', async () => {
        const result = await postForm(
          `${server.url}/token`,
          { grant_type: 'password', username: seed.user.username, password: seed.user.password },
          { basic: seed.backend },
        );
        assertTokenResponse(result);
      });
    });
  }
});
