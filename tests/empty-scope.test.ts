/**
 * RFC 6749 3.3: a grant whose default scope comes out empty at an API that defines scopes is refused with
 * `invalid_scope` and a description naming whose allowance left nothing, instead of a token with `scope: ""` that
 * every route refuses with 403. The admin API refuses the scopes no API defines in the first place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { assertOAuthError, assertTokenResponse, postForm, postJson } from './support/http.js';
import { addApi, addClient, addUser, cliJson } from './support/seed.js';
import { passwordToken, refreshRequest } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const API = 'https://api.test';
const OTHER_API = 'https://other.test';
const OPEN_API = 'https://open.test';
const PASSWORD = 'a long user password';

describe('a grant with nothing to grant', () => {
  let server: TollgateProcess;
  let root: AdminClient;

  before(async () => {
    server = await startTollgate();
    await addApi(server, API, ['read'], { isDefault: true });
    await addApi(server, OTHER_API, ['other']);
    await addApi(server, OPEN_API, []);
    await addDashboardUser(server, 'root', PASSWORD, { admin: true });
    root = await signIn(server.url, 'root', PASSWORD);
  });
  after(() => server?.stop());

  it('refuses the JSON login of a user none of whose scopes the API defines', async () => {
    await addUser(server, 'bob', PASSWORD, ['other']);
    const result = await postJson(`${server.url}/token`, { username: 'bob', password: PASSWORD });
    const body = assertOAuthError(result, 400, 'invalid_scope');
    assert.equal(body.error_description, `None of the scopes granted to user bob is defined by API ${API}`);
  });

  it('refuses client_credentials for a client none of whose scopes the API defines', async () => {
    const client = await addClient(server, 'svc', { scopes: ['other'] });
    const result = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { basic: client });
    const body = assertOAuthError(result, 400, 'invalid_scope');
    assert.equal(
      body.error_description,
      `None of the scopes granted to client ${client.clientId} is defined by API ${API}`,
    );
  });

  it('refuses a refresh once the user has lost every scope the token was for', async () => {
    const app = await addClient(server, 'app', { scopes: ['read', 'other'], grants: ['password', 'refresh_token'] });
    await addUser(server, 'carol', PASSWORD, ['read', 'other']);
    const login = await passwordToken(server.url, app, { username: 'carol', password: PASSWORD });
    assert.equal(login.scope, 'read');
    await cliJson(server, ['users', 'set', 'carol', '--scopes', 'other']);
    const body = assertOAuthError(
      await refreshRequest(server.url, login.refresh_token ?? '', app),
      400,
      'invalid_scope',
    );
    assert.equal(body.error_description, `None of the scopes granted to user carol is defined by API ${API}`);
  });

  it('still issues tokens for an API that defines no scopes (its routes check the audience only)', async () => {
    const client = await addClient(server, 'audience-only', { scopes: [] });
    const params = { grant_type: 'client_credentials', resource: OPEN_API };
    assertTokenResponse(await postForm(`${server.url}/token`, params, { basic: client }));
  });

  it('the admin API refuses user and client scopes no registered API defines, listing them', async () => {
    const created = await root.post('/users', { username: 'dave', password: PASSWORD, scopes: ['read', 'raed', 'x'] });
    assert.equal(
      assertAdminError(created, 400, 'invalid_request'),
      'scopes: "raed", "x" are not defined by any registered API',
    );
    const client = await addClient(server, 'editable', { scopes: ['read'] });
    const updated = await root.patch(`/clients/${client.clientId}`, { scopes: ['read,other'] });
    assert.equal(
      assertAdminError(updated, 400, 'invalid_request'),
      'scopes: "read,other" is not defined by any registered API; separate scopes with spaces, not commas',
    );
  });
});
