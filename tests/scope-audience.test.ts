/**
 * A token is for exactly one API (RFC 8707 resource indicators, else the default API), with the scope
 * requested ∩ allowed. A token for /user must not unlock /admin.
 */
import { errors as joseErrors } from 'jose';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, postForm } from './support/http.js';
import { verifyAccessToken } from './support/jwt.js';
import { addApi, addClient, ADMIN_API, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, clientCredentialsToken, passwordToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const SHORT_API = 'https://api.example.com/short';

describe('scopes and audiences', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    await addApi(server, SHORT_API, ['ping'], { tokenTtl: '5m' });
  });
  after(() => server?.stop());

  it('issues a token for /user that an API checking for /admin refuses', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend, { resource: USER_API, scope: 'read:data' });
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(payload.aud, USER_API, 'aud is exactly one identifier, not an array');
    await assert.rejects(
      verifyAccessToken(server.url, tokens.access_token, ADMIN_API),
      joseErrors.JWTClaimValidationFailed,
    );
    const introspection = await assertActive(server.url, seed.backend, tokens.access_token, 'a /user token');
    assert.equal(introspection.aud, USER_API);
  });

  it('issues a token for /admin only with /admin scopes', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend, { resource: ADMIN_API });
    assert.equal(tokens.scope, 'admin:read');
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, ADMIN_API);
    assert.equal(payload.scope, 'admin:read');
    await assert.rejects(
      verifyAccessToken(server.url, tokens.access_token, USER_API),
      joseErrors.JWTClaimValidationFailed,
    );
  });

  it('refuses a scope of /admin in a token for /user with invalid_scope', async () => {
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials', resource: USER_API, scope: 'admin:read' },
      { basic: seed.backend },
    );
    assertOAuthError(result, 400, 'invalid_scope');
  });

  it('issues a token for the default API when no resource is named', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user);
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(payload.aud, USER_API);
  });

  it('refuses an unknown or malformed resource with invalid_target', async () => {
    for (const resource of [
      'https://api.example.com/unknown',
      'not a uri',
      'https://api.example.com/user#fragment',
      `${USER_API}/`,
    ]) {
      const result = await postForm(
        `${server.url}/token`,
        { grant_type: 'client_credentials', resource },
        { basic: seed.backend },
      );
      assertOAuthError(result, 400, 'invalid_target');
    }
  });

  it('refuses two resources at once with invalid_target', async () => {
    const params: Array<[string, string]> = [
      ['grant_type', 'client_credentials'],
      ['resource', USER_API],
      ['resource', ADMIN_API],
    ];
    assertOAuthError(await postForm(`${server.url}/token`, params, { basic: seed.backend }), 400, 'invalid_target');
  });

  it("refuses an API outside the client's --apis with invalid_target", async () => {
    const userOnly = await addClient(server, 'user-only', { scopes: ['read:data', 'admin:read'], apis: [USER_API] });
    await clientCredentialsToken(server.url, userOnly, { resource: USER_API });
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials', resource: ADMIN_API },
      { basic: userOnly },
    );
    assertOAuthError(result, 400, 'invalid_target');
  });

  it('grants exactly the requested scopes when all are allowed', async () => {
    const tokens = await clientCredentialsToken(server.url, seed.backend, { scope: 'write:data read:data' });
    const granted = tokens.scope.split(' ').sort();
    assert.deepEqual(granted, ['read:data', 'write:data']);
  });

  it("limits a user token to the user's scopes, whatever the client may have", async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user);
    assert.equal(tokens.scope, 'read:data write:data');
    const result = await postForm(
      `${server.url}/token`,
      {
        grant_type: 'password',
        username: seed.user.username,
        password: seed.user.password,
        resource: ADMIN_API,
        scope: 'admin:read',
      },
      { basic: seed.backend },
    );
    assertOAuthError(result, 400, 'invalid_scope');
  });

  it("uses the API's own token lifetime (--token-ttl)", async () => {
    const lister = await addClient(server, 'short-lived', { scopes: ['ping'], apis: [SHORT_API] });
    const tokens = await clientCredentialsToken(server.url, lister, { resource: SHORT_API });
    assert.equal(tokens.expires_in, 300);
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, SHORT_API);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
  });
});
