/** RFC 6749 4.4 through a real OAuth client library (oauth4webapi), with both secret-based auth methods. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertOAuthError, assertTokenResponse, postForm, postJson } from './support/http.js';
import { verifyAccessToken } from './support/jwt.js';
import { discover, insecure, oauth } from './support/oauth.js';
import { addClient, ADMIN_API, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('client_credentials grant', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let as: oauth.AuthorizationServer;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    as = await discover(server.url);
  });
  after(() => server?.stop());

  async function viaLibrary(
    auth: oauth.ClientAuth,
    parameters: Record<string, string>,
  ): Promise<oauth.TokenEndpointResponse> {
    const client: oauth.Client = { client_id: seed.backend.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, parameters, insecure);
    return oauth.processClientCredentialsResponse(as, client, response);
  }

  it('issues a token to client_secret_basic through oauth4webapi', async () => {
    const tokens = await viaLibrary(oauth.ClientSecretBasic(seed.backend.clientSecret), { scope: 'read:data' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'read:data');
    assert.equal(tokens.expires_in, 900);
    assert.equal(tokens.refresh_token, undefined, 'RFC 6749 4.4.3: no refresh token for client_credentials');
    const { payload, header } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.sub, seed.backend.clientId, 'RFC 9068 2.2: sub is the client for client_credentials');
    assert.equal(payload.client_id, seed.backend.clientId);
    assert.equal(payload.scope, 'read:data');
  });

  it('issues a token to client_secret_post through oauth4webapi', async () => {
    const tokens = await viaLibrary(oauth.ClientSecretPost(seed.backend.clientSecret), { scope: 'write:data' });
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, USER_API);
    assert.equal(payload.scope, 'write:data');
    assert.equal(payload.client_id, seed.backend.clientId);
  });

  it('issues a token for the API named by resource (RFC 8707)', async () => {
    const tokens = await viaLibrary(oauth.ClientSecretBasic(seed.backend.clientSecret), { resource: ADMIN_API });
    assert.equal(tokens.scope, 'admin:read', 'everything the client and the API both allow');
    const { payload } = await verifyAccessToken(server.url, tokens.access_token, ADMIN_API);
    assert.equal(payload.aud, ADMIN_API);
  });

  it('grants what both the client and the default API allow when no scope is asked for', async () => {
    const tokens = await viaLibrary(oauth.ClientSecretBasic(seed.backend.clientSecret), {});
    assert.equal(tokens.scope, 'read:data write:data');
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 2.3.1)', async () => {
    const percentEncodeAll = (value: string) =>
      [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    const credentials = `${percentEncodeAll(seed.backend.clientId)}:${percentEncodeAll(seed.backend.clientSecret)}`;
    const result = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials' },
      { headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } },
    );
    assertTokenResponse(result);
  });

  it('accepts the same grant sent as JSON', async () => {
    const result = await postJson(`${server.url}/token`, {
      grant_type: 'client_credentials',
      client_id: seed.backend.clientId,
      client_secret: seed.backend.clientSecret,
    });
    assertTokenResponse(result);
  });

  it('gives a client registered without --grants only client_credentials', async () => {
    const plain = await addClient(server, 'plain', { scopes: ['read:data'] });
    assertTokenResponse(await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: plain }));
    const password = await postForm(
      `${server.url}/token`,
      { grant_type: 'password', username: seed.user.username, password: seed.user.password },
      { basic: plain },
    );
    assertOAuthError(password, 400, 'unauthorized_client');
  });

  it('refuses client_credentials to a client registered without that grant with unauthorized_client', async () => {
    const userFacing = await addClient(server, 'user-facing', {
      scopes: ['read:data'],
      grants: ['password', 'refresh_token'],
    });
    const result = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: userFacing });
    assertOAuthError(result, 400, 'unauthorized_client');
  });
});
