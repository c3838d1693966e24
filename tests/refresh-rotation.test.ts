/** RFC 6749 6 with rotation and replay detection (RFC 9700 4.14.2), through oauth4webapi. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, assertTokenResponse, postForm } from './support/http.js';
import { verifyAccessToken } from './support/jwt.js';
import { discover, insecure, oauth } from './support/oauth.js';
import { addClient, ADMIN_API, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive, refreshRequest } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('refresh token rotation', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let auth: oauth.ClientAuth;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    as = await discover(server.url);
    client = { client_id: seed.backend.clientId };
    auth = oauth.ClientSecretBasic(seed.backend.clientSecret);
  });
  after(() => server?.stop());

  /** The password grant through the library's generic token request (oauth4webapi has no helper for it). */
  async function login(scope = 'read:data write:data'): Promise<{ accessToken: string; refreshToken: string }> {
    const parameters = { username: seed.user.username, password: seed.user.password, scope };
    const response = await oauth.genericTokenEndpointRequest(as, client, auth, 'password', parameters, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    assert.ok(tokens.refresh_token, 'a client allowed refresh_token gets a refresh token');
    return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
  }

  async function refreshViaLibrary(refreshToken: string, parameters: Record<string, string> = {}) {
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, {
      additionalParameters: parameters,
      ...insecure,
    });
    return oauth.processRefreshTokenResponse(as, client, response);
  }

  it('returns a new refresh token on every use, through oauth4webapi', async () => {
    const first = await login();
    const second = await refreshViaLibrary(first.refreshToken);
    assert.ok(second.refresh_token);
    assert.notEqual(second.refresh_token, first.refreshToken);
    const third = await refreshViaLibrary(second.refresh_token);
    assert.ok(third.refresh_token);
    assert.notEqual(third.refresh_token, second.refresh_token);
    const { payload } = await verifyAccessToken(server.url, third.access_token, USER_API);
    assert.equal(payload.client_id, seed.backend.clientId);
    assert.equal(payload.scope, 'read:data write:data');
  });

  it('revokes the whole family, access tokens included, when a used refresh token comes back', async () => {
    const first = await login();
    const second = await refreshViaLibrary(first.refreshToken);
    assert.ok(second.refresh_token);
    await assertActive(server.url, seed.backend, second.access_token, 'the access token from the refresh');

    assertOAuthError(await refreshRequest(server.url, first.refreshToken, seed.backend), 400, 'invalid_grant');

    assertOAuthError(await refreshRequest(server.url, second.refresh_token, seed.backend), 400, 'invalid_grant');
    await assertInactive(server.url, seed.backend, first.accessToken, 'the first access token of a replayed family');
    await assertInactive(server.url, seed.backend, second.access_token, 'an access token of a replayed family');
  });

  it('binds a refresh token to its client', async () => {
    const other = await addClient(server, 'other', {
      scopes: ['read:data', 'write:data'],
      grants: ['password', 'refresh_token'],
    });
    const tokens = await login();
    assertOAuthError(await refreshRequest(server.url, tokens.refreshToken, other), 400, 'invalid_grant');
    assertOAuthError(await refreshRequest(server.url, tokens.refreshToken), 401, 'invalid_client');
    assertTokenResponse(await refreshRequest(server.url, tokens.refreshToken, seed.backend));
  });

  it('narrows scope on request and never widens it', async () => {
    const tokens = await login('read:data write:data');
    const narrowed = await refreshViaLibrary(tokens.refreshToken, { scope: 'read:data' });
    assert.equal(narrowed.scope, 'read:data');
    assert.ok(narrowed.refresh_token);

    const widened = await postForm(
      `${server.url}/token`,
      { grant_type: 'refresh_token', refresh_token: narrowed.refresh_token, scope: 'read:data admin:read' },
      { basic: seed.backend },
    );
    assertOAuthError(widened, 400, 'invalid_scope');
  });

  it('refuses a resource other than the one the grant was for with invalid_target', async () => {
    const tokens = await login();
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, resource: ADMIN_API },
      { basic: seed.backend },
    );
    assertOAuthError(result, 400, 'invalid_target');
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    const result = await refreshRequest(server.url, 'rt_not-a-real-token-at-all', seed.backend);
    assertOAuthError(result, 400, 'invalid_grant');
  });

  it('gives no refresh token to a client not allowed the refresh_token grant', async () => {
    const noRefresh = await addClient(server, 'no-refresh', { scopes: ['read:data'], grants: ['password'] });
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'password', username: seed.user.username, password: seed.user.password },
      { basic: noRefresh },
    );
    const tokens = assertTokenResponse(result);
    assert.equal(tokens.refresh_token, undefined);
  });
});
