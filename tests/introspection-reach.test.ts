/**
 * RFC 7662 4: a client learns about a token only when the token was issued to it or is meant for one of its APIs.
 * Everyone else's tokens (access, API and refresh) are exactly `{"active": false}`, as if unknown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientCredentials } from './support/http.js';
import { addApi, addClient, cliJson, type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive, clientCredentialsToken, jsonLogin, passwordToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const TEST_API = 'https://api.test';
/** Every member an active access or API token's answer carries (RFC 7662 2.2), sorted. */
const BEARER_FIELDS = ['active', 'aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_type'];

async function createApiToken(server: TollgateProcess, owner: string[], api: string, scope: string): Promise<string> {
  const args = ['tokens', 'create', ...owner, '--name', `for ${api}`, '--api', api, '--scope', scope];
  const created = (await cliJson(server, args)) as { secret: string };
  assert.match(created.secret, /^tg_/);
  return created.secret;
}

describe('introspection reach', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  /** Registered only for https://api.test: the resource server asking. */
  let testApi: ClientCredentials;
  /** Another client of https://api.test, whose tokens are meant for testApi's API. */
  let caller: ClientCredentials;
  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    await addApi(server, TEST_API, ['ping']);
    [testApi, caller] = await Promise.all([
      addClient(server, 'api-test', { scopes: ['ping'], apis: [TEST_API] }),
      addClient(server, 'caller', { scopes: ['ping'], apis: [TEST_API] }),
    ]);
  });
  after(() => server?.stop());

  it("answers exactly {active: false} for another API's access token", async () => {
    const token = await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data', resource: USER_API });
    await assertActive(server.url, seed.backend, token.access_token, 'the token, to its own client');
    await assertInactive(server.url, testApi, token.access_token, "another API's access token");
  });

  it("answers exactly {active: false} for another API's tg_ token", async () => {
    const userToken = await createApiToken(server, ['--user', seed.user.username], USER_API, 'read:data');
    const clientToken = await createApiToken(server, ['--client', seed.backend.clientId], USER_API, 'read:data');
    for (const token of [userToken, clientToken]) {
      await assertActive(server.url, seed.backend, token, 'the API token, to a client of its API');
      await assertInactive(server.url, testApi, token, "another API's API token");
    }
  });

  it("answers exactly {active: false} for the login client's refresh token, even to a client of its API", async () => {
    const tokens = await jsonLogin(server.url, seed.user.username, seed.user.password);
    assert.ok(tokens.refresh_token);
    await assertInactive(server.url, testApi, tokens.refresh_token, "the login client's refresh token");
    await assertInactive(server.url, seed.backend, tokens.refresh_token, 'a refresh token held by another client');
  });

  it('reports its own access token with every field', async () => {
    const token = await clientCredentialsToken(server.url, testApi, { scope: 'ping', resource: TEST_API });
    const body = await assertActive(server.url, testApi, token.access_token, 'its own access token');
    assertAccessFields(body, testApi.clientId);
  });

  it("reports another client's access token for its API with every field", async () => {
    const token = await clientCredentialsToken(server.url, caller, { scope: 'ping', resource: TEST_API });
    const body = await assertActive(server.url, testApi, token.access_token, 'an access token for its API');
    assertAccessFields(body, caller.clientId);
  });

  it("reports its API's tg_ token with every field", async () => {
    const token = await createApiToken(server, ['--client', caller.clientId], TEST_API, 'ping');
    const body = await assertActive(server.url, testApi, token, 'an API token for its API');
    assert.deepEqual(Object.keys(body).sort(), BEARER_FIELDS);
    assert.deepEqual(body.aud, [TEST_API]);
    assert.equal(body.client_id, caller.clientId);
    assert.equal(body.scope, 'ping');
  });

  it('reports its own refresh token with every field', async () => {
    const tokens = await passwordToken(server.url, seed.backend, seed.user, { scope: 'read:data' });
    assert.ok(tokens.refresh_token);
    const body = await assertActive(server.url, seed.backend, tokens.refresh_token, 'its own refresh token');
    const refreshFields = [...BEARER_FIELDS.filter((field) => field !== 'jti'), 'username'];
    assert.deepEqual(Object.keys(body).sort(), refreshFields);
    assert.equal(body.client_id, seed.backend.clientId);
    assert.equal(body.token_type, 'refresh_token');
    assert.equal(body.username, seed.user.username);
  });

  function assertAccessFields(body: Record<string, unknown>, clientId: string): void {
    assert.deepEqual(Object.keys(body).sort(), BEARER_FIELDS);
    assert.equal(body.aud, TEST_API);
    assert.equal(body.client_id, clientId);
    assert.equal(body.sub, clientId);
    assert.equal(body.scope, 'ping');
    assert.equal(body.iss, server.url);
    assert.equal(body.token_type, 'Bearer');
  }
});
